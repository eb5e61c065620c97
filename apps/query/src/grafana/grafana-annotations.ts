import { checkRangeLength, FILTER_NAMES, QueryParameterError, TimeRange } from '@pulse/analytics';
import { alertAnnotations, MAX_LIST_LIMIT, releaseAnnotations, TimelineAnnotation } from '@pulse/alerts';
import type { Pool } from 'pg';
import type { CatalogEntry } from './grafana-catalog';
import { ColumnSpec, table } from './grafana-frames';

/**
 * Alert incidents and deploy markers (PostgreSQL's `releases`) as Grafana annotations, in both
 * ways a JSON datasource gets them:
 * - simpod-json-datasource 0.4.2 and later runs an annotation's query through POST /query
 *   (Grafana's standard annotation support): the targets `annotations`, `annotations.alerts` and
 *   `annotations.releases` answer a table whose columns carry Grafana's annotation field names
 *   (time, timeEnd, title, text, tags), so no field mapping is needed;
 * - older versions and the original simple-json datasource POST /annotations with
 *   `{range, annotation: {query}}`, the query text naming the sources: `alerts`, `releases` or
 *   both (`alerts,releases`, or empty).
 */

export const ANNOTATION_SOURCES = ['alerts', 'releases'] as const;
export type AnnotationSource = (typeof ANNOTATION_SOURCES)[number];

/** Reads the annotations of a project in a range, from the sources asked for, ordered by time. */
export type AnnotationReader = (projectId: number, range: TimeRange, sources: readonly AnnotationSource[]) => Promise<TimelineAnnotation[]>;

/** Annotations per source and request: far more than a chart can show apart, and a bound on the read. */
export const ANNOTATIONS_PER_SOURCE = MAX_LIST_LIMIT;

export function postgresAnnotations(pool: Pool): AnnotationReader {
  return async (projectId, range, sources) => {
    const window = { ...range, limit: ANNOTATIONS_PER_SOURCE };
    const [alerts, releases] = await Promise.all([
      sources.includes('alerts') ? alertAnnotations(pool, projectId, window) : Promise.resolve([]),
      sources.includes('releases') ? releaseAnnotations(pool, projectId, window) : Promise.resolve([]),
    ]);
    return [...alerts, ...releases].sort((a, b) => a.time - b.time);
  };
}

/**
 * The sources an annotation query names: `alerts`, `releases`, both separated by commas or
 * spaces, or nothing (both). Anything else is a 400 listing the valid names.
 */
export function readAnnotationSources(query: string | undefined): AnnotationSource[] {
  const names = (query ?? '')
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) return [...ANNOTATION_SOURCES];
  const unknown = names.filter((name) => !(ANNOTATION_SOURCES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new QueryParameterError(`unknown annotation query ${JSON.stringify(unknown[0])}; valid: ${ANNOTATION_SOURCES.join(', ')}, or both separated by a comma`);
  return ANNOTATION_SOURCES.filter((source) => names.includes(source));
}

/** Grafana splits the tags field on commas: a comma inside one tag (a rule name) becomes a space. */
export function tagsField(tags: readonly string[]): string {
  return tags.map((tag) => tag.replace(/,/g, ' ')).join(',');
}

const ANNOTATION_COLUMNS: ColumnSpec<TimelineAnnotation>[] = [
  { text: 'time', type: 'time' },
  { text: 'timeEnd', type: 'time' },
  { text: 'title', type: 'string' },
  { text: 'text', type: 'string' },
  { text: 'tags', type: 'string', get: (annotation) => tagsField(annotation.tags) },
];

/** A /query target answering annotations of `sources`; it takes no payload and no ad-hoc filter (annotations are per project). */
function annotationTarget(value: string, label: string, sources: readonly AnnotationSource[]): CatalogEntry {
  return {
    value,
    label,
    kind: 'table',
    payloads: [],
    async run(services, request) {
      const filtered = [...FILTER_NAMES.filter((name) => request.filters[name] !== undefined), ...(request.filters.tags?.length ? ['tag'] : [])];
      if (filtered.length > 0) throw new QueryParameterError(`${value} cannot be filtered (by ${filtered.join(', ')}): annotations are per project`);
      checkRangeLength(request.range, request.limits.maxRangeDays);
      return [table(ANNOTATION_COLUMNS, await services.annotations(request.projectId, request.range, sources))];
    },
  };
}

export const ANNOTATION_TARGETS: readonly CatalogEntry[] = [
  annotationTarget('annotations', 'Annotations: alert incidents and deploys (time, timeEnd, title, text, tags)', ANNOTATION_SOURCES),
  annotationTarget('annotations.alerts', 'Annotations: alert incidents (regions for metric alerts, points for issue alerts and verdicts)', ['alerts']),
  annotationTarget('annotations.releases', 'Annotations: deploys (a point where each release was first seen)', ['releases']),
];
