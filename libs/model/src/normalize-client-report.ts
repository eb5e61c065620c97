import { CLIENT_REPORT_LISTS, ClientReport } from '@pulse/protocol';
import type { ClientReportRecord } from './client-report.record';
import { LIMITS, truncate } from './limits';
import type { NormalizeContext } from './normalize-context';
import { toEpochMs } from './timestamps';

/**
 * A client report → one record per (reason, category), following Relay's `process_client_reports`
 * (relay-server/src/services/processor/report.rs):
 * - the four lists (`discarded_events`, `rate_limited_events`, `filtered_events`,
 *   `filtered_sampling_events`) are read alike and their quantities summed per (reason, category);
 *   Relay keeps the list as the outcome type, Pulse stores the reason, which already names it for
 *   what SDKs send (they fill only `discarded_events`);
 * - an entry whose reason is longer than 200 characters is left out (Relay ignores it too), and so
 *   is one whose category is longer than 64: both are named as parts left out of the item;
 * - entries of quantity 0 add nothing and make no record;
 * - a report without a timestamp takes the receive time. Relay drops reports older than its
 *   `max_secs_in_past` or too far in the future; Pulse moves them to the receive time like every
 *   other record (the ingest's time rules, docs/ingest.md "Time").
 * Release and environment come from the envelope header's `trace`, the SDK from its `sdk`: a report
 * has neither of its own.
 */
export const CLIENT_REPORT_LIMITS = { reason: 200, category: 64 } as const;

/** What a client report takes from its envelope header. */
export interface ClientReportEnvelope {
  release?: string;
  environment?: string;
  sdkName?: string;
  sdkVersion?: string;
}

export interface ClientReportContext extends NormalizeContext {
  /** The envelope header's `trace` and `sdk`, when the item came in an envelope that has them. */
  envelope?: ClientReportEnvelope;
}

export interface ClientReportNormalized {
  records: ClientReportRecord[];
  /** Entries left out, by list and index (`discarded_events.2: reason is longer than 200 characters`). */
  dropped: string[];
}

export function normalizeClientReport(report: ClientReport, ctx: ClientReportContext): ClientReportNormalized {
  const timestampMs = report.timestamp === undefined || report.timestamp === null ? ctx.receivedAtMs : toEpochMs(report.timestamp);
  const envelope = ctx.envelope;
  const release = truncate(envelope?.release, LIMITS.release);
  const environment = truncate(envelope?.environment, LIMITS.environment);
  const sdkName = truncate(envelope?.sdkName, LIMITS.shortField);
  const sdkVersion = truncate(envelope?.sdkVersion, LIMITS.shortField);
  const byKey = new Map<string, ClientReportRecord>();
  const dropped: string[] = [];
  for (const list of CLIENT_REPORT_LISTS) {
    const entries = report[list] ?? [];
    for (let i = 0; i < entries.length; i++) {
      const { reason, category, quantity } = entries[i];
      const problem = reason.length > CLIENT_REPORT_LIMITS.reason
        ? `reason is longer than ${CLIENT_REPORT_LIMITS.reason} characters`
        : category.length > CLIENT_REPORT_LIMITS.category
          ? `category is longer than ${CLIENT_REPORT_LIMITS.category} characters`
          : undefined;
      if (problem !== undefined) {
        dropped.push(`${list}.${i}: ${problem}`);
        continue;
      }
      if (quantity === 0) continue;
      const key = `${category}\n${reason}`;
      const seen = byKey.get(key);
      if (seen !== undefined) {
        seen.quantity += quantity;
        continue;
      }
      byKey.set(key, { projectId: ctx.projectId, reason, category, quantity, timestampMs, release, environment, sdkName, sdkVersion, receivedAtMs: ctx.receivedAtMs });
    }
  }
  return { records: [...byKey.values()], dropped };
}
