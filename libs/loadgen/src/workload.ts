import { ClientPool } from './clients';
import type { BuiltEnvelope } from './envelope';
import type { BuildContext } from './events/build-context';
import { errorEnvelope, drawErrorEvent } from './events/error-event';
import { PageloadGeneration, pageloadEnvelopes } from './events/pageload-envelopes';
import { drawPageload } from './events/pageload-model';
import { serverTraceForms, ServerTraceForms } from './events/server-trace-forms';
import { classicServerEnvelope, drawServerTransaction, streamedServerEnvelope } from './events/server-transaction';
import { drawSession, SessionStory, sessionAggregatesEnvelope, sessionUpdateEnvelope } from './events/session';
import { EnvelopeKind, EVENT_KINDS, EventKind, EventMix } from './mix';
import { SeededRandom } from './random';
import { compileTemplate, EnvelopeTemplate, IdGroups, RecordingIds, renderTemplate } from './template/envelope-template';

/** Which SDK generation reports a page view: the 11.x default streams; some apps still run older SDKs. */
export const PAGELOAD_GENERATIONS: ReadonlyArray<{ generation: PageloadGeneration; share: number }> = [
  { generation: 'stream', share: 0.6 },
  { generation: 'static', share: 0.3 },
  { generation: 'legacy', share: 0.1 },
];
/** Share of server transactions sent as streamed span batches (the rest as classic transaction items). */
export const SERVER_STREAM_SHARE = 0.6;

/** The late Web Vitals of a page go out this many envelopes after it (a stand-in for "when the page is hidden"). */
const WEB_VITALS_DELAY = { min: 5, max: 100 };
/** A session's next update goes out this many envelopes after the previous one. */
const SESSION_UPDATE_DELAY = { min: 50, max: 2000 };

/** One envelope to send: decided cheaply; the body is built only when it is really sent. */
export interface PlannedEnvelope {
  kind: EnvelopeKind;
  /** Events it carries (see mix.ts): 1, or 0 for the late Web Vitals of a page already counted. */
  events: number;
  /** Index into the run's projects (DSNs). */
  projectIndex: number;
  build(nowMs: number): BuiltEnvelope;
}

export interface WorkloadOptions {
  /** Content seed: the same seed gives the same sequence of envelopes (with a fixed clock, byte for byte). */
  seed: number;
  /** Seed of trace, span, event and session ids; a fresh one per run keeps runs apart in storage. */
  idSeed: number;
  /** The public key of each project, by index. */
  publicKeys: readonly string[];
  mix: EventMix;
  users: number;
  tagSentAt: boolean;
  /**
   * How many events share the content of one pageload or server transaction (default 1: every
   * envelope is built from its own seed). Above 1 the content is built once, cut into a template
   * (template/envelope-template.ts) and rendered that many times with fresh ids and current
   * timestamps: ~10× cheaper, for load tests where the generator must not be the bottleneck. The
   * shares of every distribution stay the same; each content is just sent `reuse` times.
   */
  reuse?: number;
}

/** The kinds whose content a template serves when `reuse` > 1: the large envelopes. Errors (the long tail must stay one-off) and sessions (small; their stories have sequels of their own) are always built. */
const TEMPLATED_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['pageload', 'server']);

/** One content shared by up to `reuse` events: its templates are built by the first of them that is sent. */
interface TemplateSlot {
  seed: number;
  uses: number;
  /** Draws the delay of each rendering's late Web Vitals. */
  delays: SeededRandom;
  built?: { primary: EnvelopeTemplate; followUp?: EnvelopeTemplate };
}

interface Deferred {
  dueSequence: number;
  planned: PlannedEnvelope;
}

/**
 * The sequence of envelopes a run sends. `next()` draws the kind and project of the next event
 * and a seed of its own; `build()` draws the content from that seed. So an envelope that is planned
 * but never sent (the run was behind) leaves the content of all others unchanged, and the content
 * does not depend on timing: only its timestamps do (they are relative to the send time).
 *
 * Some events have a sequel sent later: the LCP/CLS/INP spans of a page view, and the later
 * updates of a session. They are queued when their first envelope is built and come out of
 * `next()` once due (counted in envelopes). A session's later update takes a session slot of the
 * mix, so the session share stays as configured.
 */
export class Workload {
  private readonly plans: SeededRandom;
  private readonly ids: SeededRandom;
  private readonly clients: ClientPool;
  private sequence = 0;
  private readonly lateVitals: Deferred[] = [];
  private readonly sessionUpdates: Deferred[] = [];
  private readonly reuse: number;
  /** The content being reused, per kind and project. */
  private readonly slots = new Map<string, TemplateSlot>();

  constructor(private readonly options: WorkloadOptions) {
    if (options.publicKeys.length === 0) throw new Error('a workload needs at least one project');
    const seeds = new SeededRandom(options.seed);
    this.clients = new ClientPool(new SeededRandom(seeds.uint32()), options.users);
    this.plans = new SeededRandom(seeds.uint32());
    this.ids = new SeededRandom(options.idSeed);
    this.reuse = options.reuse ?? 1;
    if (!Number.isInteger(this.reuse) || this.reuse < 1) throw new Error(`reuse must be a positive integer, got ${this.reuse}`);
  }

  next(): PlannedEnvelope {
    this.sequence++;
    const vitals = takeDue(this.lateVitals, this.sequence);
    if (vitals) return vitals;

    const kind = this.plans.weighted(EVENT_KINDS, (k) => this.options.mix[k]);
    const projectIndex = this.plans.int(0, this.options.publicKeys.length - 1);
    const seed = this.plans.uint32();
    if (kind === 'session') {
      const update = takeDue(this.sessionUpdates, this.sequence);
      if (update) return update;
    }
    if (this.reuse > 1 && TEMPLATED_KINDS.has(kind)) {
      const slot = this.slotFor(kind, projectIndex, seed);
      return { kind, events: 1, projectIndex, build: (nowMs) => this.renderEvent(kind, slot, projectIndex, nowMs) };
    }
    return { kind, events: 1, projectIndex, build: (nowMs) => this.buildEvent(kind, seed, projectIndex, nowMs) };
  }

  /**
   * The next server transaction, whatever the mix says, built at once in every form a Node
   * service sends it (events/server-trace-forms.ts): for comparing what ingest spends per span on
   * each form with the same traces. It takes a place in the sequence as `next()` does (a project
   * and a content seed of the plans); no sequel is queued.
   */
  nextServerTraceForms(nowMs: number): ServerTraceForms {
    this.sequence++;
    const projectIndex = this.plans.int(0, this.options.publicKeys.length - 1);
    const seed = this.plans.uint32();
    return serverTraceForms(this.context(seed, this.ids, projectIndex, nowMs), projectIndex);
  }

  /** Decided when planned (not when sent), so which content an event gets does not depend on what was behind. */
  private slotFor(kind: EventKind, projectIndex: number, seed: number): TemplateSlot {
    const key = `${kind}/${projectIndex}`;
    let slot = this.slots.get(key);
    if (!slot || slot.uses >= this.reuse) {
      slot = { seed, uses: 0, delays: new SeededRandom(seed ^ 0x5bd1e995) };
      this.slots.set(key, slot);
    }
    slot.uses++;
    return slot;
  }

  private renderEvent(kind: EventKind, slot: TemplateSlot, projectIndex: number, nowMs: number): BuiltEnvelope {
    slot.built ??= this.buildTemplates(kind, slot.seed, projectIndex, nowMs);
    const { primary, followUp } = slot.built;
    const ids = primary.ids.draw(this.ids);
    const shiftMs = nowMs - primary.builtAtMs;
    if (followUp) {
      const dueSequence = this.sequence + slot.delays.int(WEB_VITALS_DELAY.min, WEB_VITALS_DELAY.max);
      this.lateVitals.push({ dueSequence, planned: { kind: 'web-vitals', events: 0, projectIndex, build: (laterMs) => renderTemplate(followUp, laterMs, shiftMs, ids) } });
    }
    return renderTemplate(primary, nowMs, shiftMs, ids);
  }

  /** Builds the content of `seed` as buildEvent would, at `nowMs`, and cuts it (and a page's late Web Vitals) into templates. */
  private buildTemplates(kind: EventKind, seed: number, projectIndex: number, nowMs: number): NonNullable<TemplateSlot['built']> {
    const ids = new RecordingIds(seed);
    const ctx = this.context(seed, ids, projectIndex, nowMs);
    let envelope: BuiltEnvelope;
    let followUp: BuiltEnvelope | undefined;
    if (kind === 'pageload') {
      const built = this.pageload(ctx);
      envelope = built.envelope;
      followUp = built.followUp?.(nowMs);
    } else {
      envelope = this.serverTransaction(ctx);
    }
    const groups = new IdGroups(ids.drawn);
    return { primary: compileTemplate(envelope, nowMs, groups), followUp: followUp && compileTemplate(followUp, nowMs, groups) };
  }

  private context(seed: number, ids: SeededRandom, projectIndex: number, nowMs: number): BuildContext {
    return { random: new SeededRandom(seed), ids, clients: this.clients, nowMs, publicKey: this.options.publicKeys[projectIndex], tagSentAt: this.options.tagSentAt };
  }

  private pageload(ctx: BuildContext): ReturnType<typeof pageloadEnvelopes> {
    const model = drawPageload(ctx);
    const { generation } = ctx.random.weighted(PAGELOAD_GENERATIONS, (g) => g.share);
    return pageloadEnvelopes(model, generation, ctx);
  }

  private serverTransaction(ctx: BuildContext): BuiltEnvelope {
    const transaction = drawServerTransaction(ctx);
    return ctx.random.chance(SERVER_STREAM_SHARE) ? streamedServerEnvelope(transaction, ctx) : classicServerEnvelope(transaction, ctx);
  }

  private buildEvent(kind: EventKind, seed: number, projectIndex: number, nowMs: number): BuiltEnvelope {
    const ctx = this.context(seed, this.ids, projectIndex, nowMs);
    switch (kind) {
      case 'pageload': {
        const { envelope, followUp } = this.pageload(ctx);
        if (followUp) {
          const dueSequence = this.sequence + ctx.random.int(WEB_VITALS_DELAY.min, WEB_VITALS_DELAY.max);
          this.lateVitals.push({ dueSequence, planned: { kind: 'web-vitals', events: 0, projectIndex, build: followUp } });
        }
        return envelope;
      }
      case 'server':
        return this.serverTransaction(ctx);
      case 'error':
        return errorEnvelope(drawErrorEvent(ctx), ctx);
      case 'session': {
        const session = drawSession(ctx);
        if (session.aggregates) return sessionAggregatesEnvelope(session.client, ctx);
        this.queueSessionUpdate(session.story, 1, projectIndex, ctx.random);
        return sessionUpdateEnvelope(session.story, 0, nowMs);
      }
    }
  }

  private queueSessionUpdate(story: SessionStory, index: number, projectIndex: number, random: SeededRandom): void {
    if (index >= story.updates.length) return;
    const dueSequence = this.sequence + random.int(SESSION_UPDATE_DELAY.min, SESSION_UPDATE_DELAY.max);
    // The story's own generator (seeded from the first update) decides the next delay, so it replays too.
    const planned: PlannedEnvelope = {
      kind: 'session',
      events: 1,
      projectIndex,
      build: (nowMs) => {
        this.queueSessionUpdate(story, index + 1, projectIndex, random);
        return sessionUpdateEnvelope(story, index, nowMs);
      },
    };
    this.sessionUpdates.push({ dueSequence, planned });
  }
}

/** Removes and returns the earliest-due entry that is due, if any (queues stay small: a linear scan). */
function takeDue(queue: Deferred[], sequence: number): PlannedEnvelope | undefined {
  let best = -1;
  for (let i = 0; i < queue.length; i++) {
    if (queue[i].dueSequence <= sequence && (best === -1 || queue[i].dueSequence < queue[best].dueSequence)) best = i;
  }
  if (best === -1) return undefined;
  return queue.splice(best, 1)[0].planned;
}
