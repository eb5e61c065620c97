import { ClientPool } from './clients';
import type { BuiltEnvelope } from './envelope';
import type { BuildContext } from './events/build-context';
import { errorEnvelope, drawErrorEvent } from './events/error-event';
import { PageloadGeneration, pageloadEnvelopes } from './events/pageload-envelopes';
import { drawPageload } from './events/pageload-model';
import { classicServerEnvelope, drawServerTransaction, streamedServerEnvelope } from './events/server-transaction';
import { drawSession, SessionStory, sessionAggregatesEnvelope, sessionUpdateEnvelope } from './events/session';
import { EnvelopeKind, EVENT_KINDS, EventKind, EventMix } from './mix';
import { SeededRandom } from './random';

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

  constructor(private readonly options: WorkloadOptions) {
    if (options.publicKeys.length === 0) throw new Error('a workload needs at least one project');
    const seeds = new SeededRandom(options.seed);
    this.clients = new ClientPool(new SeededRandom(seeds.uint32()), options.users);
    this.plans = new SeededRandom(seeds.uint32());
    this.ids = new SeededRandom(options.idSeed);
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
    return { kind, events: 1, projectIndex, build: (nowMs) => this.buildEvent(kind, seed, projectIndex, nowMs) };
  }

  private buildEvent(kind: EventKind, seed: number, projectIndex: number, nowMs: number): BuiltEnvelope {
    const ctx: BuildContext = {
      random: new SeededRandom(seed),
      ids: this.ids,
      clients: this.clients,
      nowMs,
      publicKey: this.options.publicKeys[projectIndex],
      tagSentAt: this.options.tagSentAt,
    };
    switch (kind) {
      case 'pageload': {
        const model = drawPageload(ctx);
        const { generation } = ctx.random.weighted(PAGELOAD_GENERATIONS, (g) => g.share);
        const { envelope, followUp } = pageloadEnvelopes(model, generation, ctx);
        if (followUp) {
          const dueSequence = this.sequence + ctx.random.int(WEB_VITALS_DELAY.min, WEB_VITALS_DELAY.max);
          this.lateVitals.push({ dueSequence, planned: { kind: 'web-vitals', events: 0, projectIndex, build: followUp } });
        }
        return envelope;
      }
      case 'server': {
        const transaction = drawServerTransaction(ctx);
        return ctx.random.chance(SERVER_STREAM_SHARE) ? streamedServerEnvelope(transaction, ctx) : classicServerEnvelope(transaction, ctx);
      }
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
