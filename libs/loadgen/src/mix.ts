/**
 * What the generator sends, by event. An event is one transaction (a classic `transaction` item or
 * a streamed segment), one error event, or one session update (a `session` item, or a `sessions`
 * aggregate item). Child spans and Web Vitals travel inside their transaction and are not events;
 * the late LCP/CLS/INP envelope of a page is an envelope but no event (its page was counted).
 */
export type EventKind = 'pageload' | 'server' | 'error' | 'session';

/** Envelope kinds: the event kinds plus the late Web Vitals of a page view. */
export type EnvelopeKind = EventKind | 'web-vitals';

export const EVENT_KINDS: readonly EventKind[] = ['pageload', 'server', 'error', 'session'];
export const ENVELOPE_KINDS: readonly EnvelopeKind[] = [...EVENT_KINDS, 'web-vitals'];

/** Share of events per kind; sums to 1. */
export type EventMix = Record<EventKind, number>;

export const DEFAULT_MIX: Readonly<EventMix> = { pageload: 0.3, server: 0.45, error: 0.1, session: 0.15 };

/**
 * Weights → shares. Kinds left out get 0 (`{server: 1}` sends server transactions only); an
 * unknown kind, a negative or non-finite weight, or all zeros is an error.
 */
export function normalizeMix(weights: Partial<Record<string, number>>): EventMix {
  const unknown = Object.keys(weights).filter((key) => !(EVENT_KINDS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new Error(`unknown event kind in the mix: ${unknown.join(', ')} (kinds: ${EVENT_KINDS.join(', ')})`);
  let total = 0;
  for (const kind of EVENT_KINDS) {
    const weight = weights[kind] ?? 0;
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`mix weight of ${kind} must be a non-negative number, got ${weight}`);
    total += weight;
  }
  if (total <= 0) throw new Error('the mix needs at least one kind with a positive weight');
  const mix = { ...DEFAULT_MIX };
  for (const kind of EVENT_KINDS) mix[kind] = (weights[kind] ?? 0) / total;
  return mix;
}

/** `pageload=30,server=45,error=10,session=15` (weights, any scale) → shares. */
export function parseMix(text: string): EventMix {
  const weights: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [key, value, ...rest] = part.split('=').map((piece) => piece.trim());
    if (!key || value === undefined || value === '' || rest.length > 0) throw new Error(`--mix expects kind=weight pairs separated by commas, got ${JSON.stringify(part)}`);
    if (key in weights) throw new Error(`--mix names ${key} twice`);
    weights[key] = Number(value);
  }
  return normalizeMix(weights);
}

export function formatMix(mix: EventMix): string {
  return EVENT_KINDS.filter((kind) => mix[kind] > 0)
    .map((kind) => `${kind}=${Math.round(mix[kind] * 1000) / 10}%`)
    .join(' ');
}
