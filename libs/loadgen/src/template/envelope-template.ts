import type { BuiltEnvelope } from '../envelope';
import { SeededRandom } from '../random';

/**
 * An envelope body cut into literal text and slots: the ids and timestamps, which must be new on
 * every send (ingest deduplicates on event ids and moves timestamps too far from the receipt), and
 * everything else, which may be sent again as it is. Rendering joins the pieces with fresh ids
 * and shifted times: no JSON is built or serialized, which is most of what building an envelope
 * costs (a streamed pageload is ~16 KB of JSON.stringify).
 */
export interface EnvelopeTemplate {
  /** `literals.length === slots.length + 1`: literal, slot, literal, …, literal. */
  literals: string[];
  slots: Slot[];
  /** The ids of the build (shared with its sequel's template): slot `group`s index them. */
  ids: IdGroups;
  /** The envelope's trace ids, as id groups. */
  traceIdGroups: number[];
  /** Send time the body was built for: other times move by (render time − this). */
  builtAtMs: number;
  envelope: Omit<BuiltEnvelope, 'body' | 'traceIds'>;
}

export type Slot =
  | { type: 'id'; group: number }
  /** Float epoch seconds as the SDKs write them (µs precision), stored in µs. */
  | { type: 'seconds'; micros: number }
  /** ISO 8601 with milliseconds (`toIso`), inside the quotes. */
  | { type: 'iso'; ms: number }
  /** The envelope header's `sent_at` and the `loadgen.sent_at` tag: the time of this send, whatever the shift. */
  | { type: 'sent-at-iso' }
  | { type: 'sent-at-ms' };

/** Times further than this from the build time are content (a coincidence), not timestamps. */
const TIME_WINDOW_MS = 2 * 24 * 3600 * 1000;

/**
 * Quoted 16/32-digit hex (ids), quoted ISO times, quoted 13-digit epoch ms (the `loadgen.sent_at`
 * tag) and bare float epoch seconds after `:`, `,` or `[` (start_timestamp, time_origin…).
 */
const TOKENS = /"([0-9a-f]{32}|[0-9a-f]{16})"|"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"|"(1\d{12})"|(?<=[:,[])(1\d{9}(?:\.\d{1,6})?)(?=[,}\]])/g;

/** The ids drawn while building an envelope (and its sequel), each a group of id slots. */
export class IdGroups {
  private readonly groups = new Map<string, number>();
  readonly lengths: number[] = [];

  constructor(drawn: readonly string[]) {
    for (const id of drawn) if (!this.groups.has(id)) this.groups.set(id, this.lengths.push(id.length) - 1);
  }

  groupOf(id: string): number | undefined {
    return this.groups.get(id);
  }

  /** Fresh ids for one rendering, one per group, from the run's id stream. */
  draw(random: SeededRandom): string[] {
    return this.lengths.map((length) => random.hex(length));
  }
}

/**
 * Cuts `envelope.body` (built at `builtAtMs`) into a template. Only the ids of `ids` (drawn while
 * building it) become id slots: a project's public key, also 32 hex digits, stays. Every
 * occurrence of one id is the same group, so a span's `parent_span_id` still names its parent
 * after rendering, and a page's late Web Vitals (compiled with the same groups) still name it.
 */
export function compileTemplate(envelope: BuiltEnvelope, builtAtMs: number, ids: IdGroups): EnvelopeTemplate {
  const literals: string[] = [];
  const slots: Slot[] = [];
  const body = envelope.body;
  let cursor = 0;
  const add = (start: number, end: number, slot: Slot): void => {
    literals.push(body.slice(cursor, start));
    slots.push(slot);
    cursor = end;
  };
  for (const match of body.matchAll(TOKENS)) {
    const start = match.index;
    const [whole, id, iso, msText, secondsText] = match;
    if (id !== undefined) {
      const group = ids.groupOf(id);
      if (group === undefined) continue;
      add(start + 1, start + whole.length - 1, { type: 'id', group });
    } else if (iso !== undefined) {
      const ms = Date.parse(iso);
      if (!near(ms, builtAtMs)) continue;
      const sentAt = body.endsWith('"sent_at":', start);
      add(start + 1, start + whole.length - 1, sentAt ? { type: 'sent-at-iso' } : { type: 'iso', ms });
    } else if (msText !== undefined) {
      if (Number(msText) !== builtAtMs) continue;
      add(start + 1, start + whole.length - 1, { type: 'sent-at-ms' });
    } else if (secondsText !== undefined) {
      const micros = Math.round(Number(secondsText) * 1_000_000);
      if (!near(micros / 1000, builtAtMs)) continue;
      add(start, start + whole.length, { type: 'seconds', micros });
    }
  }
  literals.push(body.slice(cursor));
  const traceIdGroups = envelope.traceIds.map((traceId) => {
    const group = ids.groupOf(traceId);
    if (group === undefined) throw new Error(`trace id ${traceId} is not an id drawn for this envelope`);
    return group;
  });
  const { body: _body, traceIds: _traceIds, ...rest } = envelope;
  return { literals, slots, ids, traceIdGroups, builtAtMs, envelope: rest };
}

function near(ms: number, builtAtMs: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms - builtAtMs) <= TIME_WINDOW_MS;
}

/**
 * The body for a send at `nowMs`: times move by `shiftMs` (for a page's late Web Vitals, the shift
 * of the page itself, so the spans stay where the page was), `sent_at` is `nowMs`, ids are `ids`.
 */
export function renderTemplate(template: EnvelopeTemplate, nowMs: number, shiftMs: number, ids: readonly string[]): BuiltEnvelope {
  const { literals, slots } = template;
  const shiftMicros = Math.round(shiftMs * 1000);
  let body = literals[0];
  let sentAtIso: string | undefined;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    switch (slot.type) {
      case 'id':
        body += ids[slot.group];
        break;
      case 'seconds':
        // As toSeconds() writes it: the number of whole µs, as a JSON number of seconds.
        body += String((slot.micros + shiftMicros) / 1_000_000);
        break;
      case 'iso':
        body += new Date(Math.floor(slot.ms + shiftMs)).toISOString();
        break;
      case 'sent-at-iso':
        body += sentAtIso ??= new Date(Math.floor(nowMs)).toISOString();
        break;
      case 'sent-at-ms':
        body += String(nowMs);
        break;
    }
    body += literals[i + 1];
  }
  return { ...template.envelope, body, traceIds: template.traceIdGroups.map((group) => ids[group]) };
}

/** The id stream of a build, remembering every id drawn (compileTemplate needs them). */
export class RecordingIds extends SeededRandom {
  readonly drawn: string[] = [];

  override hex(length: number): string {
    const id = super.hex(length);
    this.drawn.push(id);
    return id;
  }
}
