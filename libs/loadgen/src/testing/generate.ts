import type { BuiltEnvelope } from '../envelope';
import { DEFAULT_MIX, EnvelopeKind, EventMix } from '../mix';
import { PlannedEnvelope, Workload } from '../workload';

/** A fixed clock for generated content: 2026-11-24T10:00:00Z, advancing 2 ms per envelope (500/s). */
export const T0_MS = Date.UTC(2026, 10, 24, 10, 0, 0);
export const STEP_MS = 2;

export interface Generated {
  /** 0-based index of the plan (skipped plans included). */
  index: number;
  kind: EnvelopeKind;
  events: number;
  projectIndex: number;
  nowMs: number;
  envelope: BuiltEnvelope;
}

export interface GenerateOptions {
  seed?: number;
  idSeed?: number;
  mix?: EventMix;
  publicKeys?: string[];
  users?: number;
  tagSentAt?: boolean;
  /** Events per pageload or server content (WorkloadOptions.reuse). */
  reuse?: number;
  /** Plans to skip (never built), by 0-based plan index: stands in for envelopes a run was behind on. */
  skip?: (index: number, planned: PlannedEnvelope) => boolean;
  /** The send time of plan `index`; default T0_MS + index × STEP_MS. */
  clock?: (index: number) => number;
}

export const PUBLIC_KEY = '0123456789abcdef0123456789abcdef';

/** Plans and builds `count` envelopes on the fixed clock, as a run with no drops would send them. */
export function generate(count: number, options: GenerateOptions = {}): Generated[] {
  const workload = new Workload({
    seed: options.seed ?? 42,
    idSeed: options.idSeed ?? 7,
    publicKeys: options.publicKeys ?? [PUBLIC_KEY],
    mix: options.mix ?? { ...DEFAULT_MIX },
    users: options.users ?? 1000,
    tagSentAt: options.tagSentAt ?? true,
    reuse: options.reuse,
  });
  const out: Generated[] = [];
  for (let index = 0; index < count; index++) {
    const planned = workload.next();
    if (options.skip?.(index, planned)) continue;
    const nowMs = options.clock?.(index) ?? T0_MS + index * STEP_MS;
    out.push({ index, kind: planned.kind, events: planned.events, projectIndex: planned.projectIndex, nowMs, envelope: planned.build(nowMs) });
  }
  return out;
}
