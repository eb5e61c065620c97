import type { Pool, PoolClient } from 'pg';
import { IncidentRecord, listIncidentRecords } from './incident-reads';
import { checkedWindow, ListWindow } from './list-window';

/**
 * Alert history and deploys as annotations of a time series chart (Grafana's annotation events:
 * time, timeEnd, title, text, tags). A metric incident is a region from when it fired until it
 * resolved (until the range's end while it is open); an issue alert and a release verdict are
 * points at their start. Releases are points where PostgreSQL's `releases` table first saw
 * them: the deploy markers. The query app serves these to Grafana's JSON datasource.
 */

export interface TimelineAnnotation {
  /** Epoch milliseconds. */
  time: number;
  /** Epoch milliseconds; null for a point. */
  timeEnd: number | null;
  isRegion: boolean;
  title: string;
  text: string;
  tags: string[];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The lines of evidence worth showing on a chart, from the details the evaluator wrote. */
function evidence(details: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const reason = str(details.reason);
  if (reason) lines.push(reason);
  const value = num(details.value);
  if (value !== undefined) lines.push(`value ${value}`);
  const score = num(details.score);
  if (score !== undefined) lines.push(`score ${score}`);
  if (Array.isArray(details.reasons)) lines.push(...details.reasons.filter((item): item is string => typeof item === 'string'));
  return lines;
}

/** One incident as an annotation; `rangeEndMs` ends the region of a metric incident still open. */
export function annotationOfIncident(incident: IncidentRecord, rangeEndMs: number): TimelineAnnotation {
  const time = Date.parse(incident.startedAt);
  const tags = ['alert', incident.kind, incident.status, incident.ruleName];
  const lines = evidence(incident.details);
  if (incident.kind === 'metric') {
    const resolved = incident.resolvedAt === null ? undefined : Date.parse(incident.resolvedAt);
    const timeEnd = Math.max(time, resolved ?? rangeEndMs);
    const state = resolved === undefined ? 'still open' : `resolved at ${incident.resolvedAt}`;
    return { time, timeEnd, isRegion: true, title: `Metric alert: ${incident.ruleName}`, text: [`${incident.status}, ${state}`, ...lines].join('\n'), tags };
  }
  if (incident.kind === 'release') {
    return { time, timeEnd: null, isRegion: false, title: `Release verdict: ${incident.ruleName}`, text: [`verdict ${incident.status}`, ...lines].join('\n'), tags };
  }
  const issue = incident.issueId === null ? 'an issue' : `issue ${incident.issueId}`;
  return { time, timeEnd: null, isRegion: false, title: `Issue alert: ${incident.ruleName}`, text: [`${incident.status} for ${issue}`, ...lines].join('\n'), tags };
}

/** The project's incidents active in the window as annotations, oldest first (at most `limit`, the newest). */
export async function alertAnnotations(db: Pool | PoolClient, projectId: number, window: ListWindow): Promise<TimelineAnnotation[]> {
  const checked = checkedWindow(window);
  const incidents = await listIncidentRecords(db, projectId, checked);
  return incidents.reverse().map((incident) => annotationOfIncident(incident, checked.toMs));
}

/** The project's releases first seen in the window, one point each, oldest first (at most `limit`, the newest). */
export async function releaseAnnotations(db: Pool | PoolClient, projectId: number, window: ListWindow): Promise<TimelineAnnotation[]> {
  const { fromMs, toMs, limit } = checkedWindow(window);
  const result = await db.query<{ version: string; first_seen: Date }>(
    `SELECT version, first_seen FROM releases
     WHERE project_id = $1 AND first_seen >= to_timestamp($2 / 1000.0) AND first_seen < to_timestamp($3 / 1000.0)
     ORDER BY first_seen DESC, version DESC LIMIT $4`,
    [projectId, fromMs, toMs, limit],
  );
  return result.rows.reverse().map((row) => ({
    time: row.first_seen.getTime(),
    timeEnd: null,
    isRegion: false,
    title: `Release ${row.version}`,
    text: `${row.version} first seen`,
    tags: ['release'],
  }));
}
