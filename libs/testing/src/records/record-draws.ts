import type { ErrorRecord, SessionRecord, SessionStatus, WebVitalName } from '@pulse/model';
import { isRatedVital, VITAL_THRESHOLDS } from '@pulse/model';
import { logNormal } from '../numbers';

/**
 * The draws every record generator here is made of: picks, ids, vital values, error exceptions
 * and session updates. Each takes the generator's one seeded stream, so a generator's output stays
 * a function of its seed; the order of draws inside a helper is part of that output (the bench's
 * stored data sets and the seeded tests' expectations depend on it), so change one only together
 * with the generators' version.
 */

export type Random = () => number;

/** A value, and its weight among its table's values. */
export type Weighted<T> = [T, number];

export const VITALS: WebVitalName[] = ['lcp', 'fcp', 'cls', 'inp', 'ttfb', 'fid', 'fp'];
export const VITAL_MEDIANS: Record<WebVitalName, number> = { lcp: 2400, fcp: 1500, cls: 0.08, inp: 180, ttfb: 600, fid: 60, fp: 1200 };
export const ERROR_LEVELS: ErrorRecord['level'][] = ['error', 'error', 'fatal', 'warning'];

/** A uniform pick from a table. */
export function uniformPicker(random: Random) {
  return <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
}

/** A picker over weighted items (cumulative weights, linear scan: the tables are short). */
export function weightedPicker(random: Random) {
  return <T>(items: Weighted<T>[]): (() => T) => {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    const cumulative = items.map(([item], i) => [item, items.slice(0, i + 1).reduce((sum, [, weight]) => sum + weight, 0) / total] as const);
    return () => {
      const draw = random();
      return (cumulative.find(([, upTo]) => draw < upTo) ?? cumulative[cumulative.length - 1])[0];
    };
  };
}

/** `length` hex digits, one draw each. */
export function hexDigits(random: Random, length: number): string {
  return Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
}

/** Eight hex digits from one draw (ids at millions of records: 4 draws for 32 digits instead of 32). */
export function hexWord(random: Random): string {
  return Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
}

/** Log-normal around the vital's median; 5 % exactly on a rating threshold, a fifth of CLS exactly 0. */
export function vitalValue(vital: WebVitalName, random: Random, medians: Record<WebVitalName, number> = VITAL_MEDIANS): number {
  if (isRatedVital(vital) && random() < 0.05) {
    const { good, poor } = VITAL_THRESHOLDS[vital];
    return random() < 0.5 ? good : poor;
  }
  if (vital === 'cls' && random() < 0.2) return 0;
  return logNormal(random, medians[vital], 0.6);
}

/** The fields that follow from an error group (a dozen or a few dozen groups, one fingerprint each). */
export function errorGroupFields(group: number): Pick<ErrorRecord, 'title' | 'culprit' | 'fingerprint'> {
  return { title: `Error${group}: failure ${group}`, culprit: `handler${group}(app.js)`, fingerprint: group.toString(16).padStart(32, '0') };
}

/** A group's exception, half of the time chained behind a generic cause. */
export function errorExceptions(random: Random, group: number, handled: boolean): ErrorRecord['exceptions'] {
  return [
    { type: 'Error', value: 'connection reset', mechanism: 'generic', handled: true, frames: [] },
    { type: `Error${group}`, value: `failure ${group}`, mechanism: 'onerror', handled, frames: [errorFrame(group)] },
  ].slice(random() < 0.5 ? 0 : 1);
}

function errorFrame(group: number) {
  return { filename: 'app.js', absPath: 'https://shop.example/app.js', function: `handler${group}`, module: '', lineno: 10 + group, colno: 5, inApp: true, contextLine: '' };
}

/** What a session's updates share. */
export type SessionStart = Pick<SessionRecord, 'projectId' | 'release' | 'environment' | 'sessionId' | 'distinctId' | 'startedMs'>;

/** A session's updates, 5 s apart: init, maybe an error count, then how it ended (or still open). */
export function sessionUpdates(random: Random, start: SessionStart): SessionRecord[] {
  const updates: Array<{ status: SessionStatus; errors: number }> = [{ status: 'ok', errors: 0 }];
  if (random() < 0.3) updates.push({ status: 'ok', errors: 1 + Math.floor(random() * 3) });
  const end = random();
  const errorsSoFar = updates[updates.length - 1].errors;
  if (end < 0.55) updates.push({ status: 'exited', errors: errorsSoFar });
  else if (end < 0.67) updates.push({ status: 'crashed', errors: errorsSoFar + 1 });
  else if (end < 0.73) updates.push({ status: 'abnormal', errors: errorsSoFar });
  else if (end < 0.85) updates.push({ status: 'errored', errors: errorsSoFar + 1 });
  return updates.map((update, index) => {
    const timestampMs = start.startedMs + index * 5_000;
    return {
      projectId: start.projectId, release: start.release, environment: start.environment, sessionId: start.sessionId, distinctId: start.distinctId,
      startedMs: start.startedMs, durationS: null, status: update.status, errors: update.errors, init: index === 0, quantity: 1, timestampMs, receivedAtMs: timestampMs + 1000,
    };
  });
}
