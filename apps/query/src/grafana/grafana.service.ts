import { Inject, Injectable } from '@nestjs/common';
import { checkRangeLength, Dimension, DimensionValuesService, ErrorsService, QueryParameterError, ReleasesService, REPORTED_VITALS, TransactionsService, WebVitalsService } from '@pulse/analytics';
import { ApiError, ErrorBody } from '@pulse/platform';
import type { Pool } from 'pg';
import { toApiError } from '../analytics-errors';
import { ISSUE_READER, QueryIssueReader } from '../issues/issue-read.providers';
import { POSTGRES_POOL, QUERY_LIMITS, QueryLimits } from '../query.tokens';
import { postgresAnnotations, readAnnotationSources } from './grafana-annotations';
import { CatalogEntry, findTarget, GRAFANA_CATALOG, GrafanaServices } from './grafana-catalog';
import { GrafanaFrame, withRefId } from './grafana-frames';
import { bucketWidthMs, mergeFilters, PayloadName, readAdhocFilters, readPayload, readRange, TAG_KEYS, unescapeRegexFormat } from './grafana-request';
import type {
  GrafanaAnnotationRequestDto,
  GrafanaMetricsRequestDto,
  GrafanaPayloadOptionsRequestDto,
  GrafanaQueryRequestDto,
  GrafanaRangeDto,
  GrafanaTagValuesRequestDto,
  GrafanaVariableRequestDto,
} from './grafana-request.dto';
import type { GrafanaAnnotationEventDto, GrafanaMetricDto, GrafanaMetricPayloadDto, GrafanaOptionDto, GrafanaTagKeyDto, GrafanaTagValueDto, GrafanaVariableValueDto } from './grafana-response.dto';

const PAYLOAD_FIELDS: Record<PayloadName, Omit<GrafanaMetricPayloadDto, 'name'>> = {
  release: { label: 'Release', type: 'select', placeholder: 'any release' },
  environment: { label: 'Environment', type: 'select', placeholder: 'any environment' },
  transaction: { label: 'Transaction', type: 'select', placeholder: 'any transaction' },
  page: { label: 'Page', type: 'select', placeholder: 'any page' },
  vital: { label: 'Vital', type: 'select', placeholder: 'a vital' },
  group_by: { label: 'Group by', type: 'select', placeholder: 'no split', options: [{ label: 'release', value: 'release' }] },
  issue: { label: 'Issue', type: 'input', placeholder: 'an issue id or short id, e.g. SHOP-1A' },
};

/** Payload fields whose options are the values of a dimension. */
const PAYLOAD_DIMENSIONS: Partial<Record<PayloadName, Dimension>> = {
  release: 'release',
  environment: 'environment',
  transaction: 'transaction',
  page: 'page',
  vital: 'vital',
};

/** Template variable queries (POST /variable) and the dimension each lists. */
export const VARIABLE_TARGETS: Record<string, Dimension> = {
  releases: 'release',
  environments: 'environment',
  transactions: 'transaction',
  pages: 'page',
  vitals: 'vital',
};

/**
 * The JSON datasource protocol over the analytics services (one Grafana datasource per project).
 * A QueryParameterError of the library is answered as a 400 by AnalyticsErrorsInterceptor; the
 * failure of one target is named after it first (see `naming`).
 */
@Injectable()
export class GrafanaService {
  private readonly services: GrafanaServices;

  constructor(
    transactions: TransactionsService,
    releases: ReleasesService,
    webVitals: WebVitalsService,
    errors: ErrorsService,
    private readonly dimensions: DimensionValuesService,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
    @Inject(ISSUE_READER) issues: QueryIssueReader,
    @Inject(POSTGRES_POOL) postgres: Pool,
  ) {
    this.services = { transactions, releases, webVitals, errors, issues, annotations: postgresAnnotations(postgres) };
  }

  metrics(_dto: GrafanaMetricsRequestDto): GrafanaMetricDto[] {
    return GRAFANA_CATALOG.map((entry) => ({
      label: entry.label,
      value: entry.value,
      payloads: entry.payloads.map((name) => ({ name, ...PAYLOAD_FIELDS[name] })),
    }));
  }

  async payloadOptions(projectId: number, dto: GrafanaPayloadOptionsRequestDto): Promise<GrafanaOptionDto[]> {
    const entry = this.entryOrThrow(dto.metric);
    const name = dto.name as PayloadName;
    if (!(entry.payloads as readonly string[]).includes(dto.name)) {
      throw new ApiError(400, `${entry.value} has no payload field ${JSON.stringify(dto.name)}; valid payload fields: ${entry.payloads.join(', ')}`);
    }
    const fixed = PAYLOAD_FIELDS[name].options;
    if (fixed) return fixed;
    const dimension = PAYLOAD_DIMENSIONS[name];
    // A typed-in field (issue) has no choices.
    if (dimension === undefined) return [];
    const values = await this.dimensionValues(projectId, dimension, dto.range);
    return values.map((value) => ({ label: value, value }));
  }

  async query(projectId: number, dto: GrafanaQueryRequestDto): Promise<GrafanaFrame[]> {
    const range = readRange(dto.range.from, dto.range.to);
    const bucketMs = bucketWidthMs(range, dto.intervalMs, dto.maxDataPoints, this.limits.maxPoints);
    const adhoc = readAdhocFilters(dto.filters, dto.adhocFilters);
    // Hidden queries and queries still being edited (no target yet) are not run.
    const plans = dto.targets
      .filter((target) => target.hide !== true && (target.target ?? '').trim() !== '')
      .map((target) => {
        const entry = this.entryOrThrow(unescapeRegexFormat((target.target as string).trim()));
        const payload = readPayload(entry.value, target.payload, entry.payloads, REPORTED_VITALS);
        const filters = mergeFilters(payload, adhoc);
        return { refId: target.refId, entry, request: { projectId, range, bucketMs, filters, payload, limits: this.limits } };
      });
    const frames = await Promise.all(
      plans.map(async ({ refId, entry, request }) => {
        try {
          return withRefId(await entry.run(this.services, request), refId);
        } catch (error) {
          throw naming(error, `${refId ?? 'query'} (${entry.value})`);
        }
      }),
    );
    return frames.flat();
  }

  async variable(projectId: number, dto: GrafanaVariableRequestDto): Promise<GrafanaVariableValueDto[]> {
    const target = dto.payload.target.trim();
    if (!Object.prototype.hasOwnProperty.call(VARIABLE_TARGETS, target)) {
      throw new ApiError(400, `unknown variable query ${JSON.stringify(target)}; valid queries: ${Object.keys(VARIABLE_TARGETS).join(', ')}`);
    }
    const values = await this.dimensionValues(projectId, VARIABLE_TARGETS[target], dto.range);
    return values.map((value) => ({ __text: value, __value: value }));
  }

  /** POST /annotations (simple-json's protocol): alert incidents and deploys in the range, as the annotation's query names them. */
  async annotations(projectId: number, dto: GrafanaAnnotationRequestDto): Promise<GrafanaAnnotationEventDto[]> {
    const range = readRange(dto.range.from, dto.range.to);
    checkRangeLength(range, this.limits.maxRangeDays);
    const annotations = await this.services.annotations(projectId, range, readAnnotationSources(dto.annotation?.query));
    const annotation = dto.annotation === undefined ? undefined : { ...dto.annotation };
    return annotations.map(({ timeEnd, ...event }) => ({ annotation, ...event, ...(timeEnd === null ? {} : { timeEnd }) }));
  }

  tagKeys(): GrafanaTagKeyDto[] {
    return TAG_KEYS.map((key) => ({ type: 'string', text: key }));
  }

  async tagValues(projectId: number, dto: GrafanaTagValuesRequestDto): Promise<GrafanaTagValueDto[]> {
    if (!(TAG_KEYS as readonly string[]).includes(dto.key)) throw new ApiError(400, `unknown tag key ${JSON.stringify(dto.key)}; valid keys: ${TAG_KEYS.join(', ')}`);
    const values = await this.dimensionValues(projectId, dto.key as Dimension, dto.timeRange);
    return values.map((text) => ({ text }));
  }

  private dimensionValues(projectId: number, dimension: Dimension, range: GrafanaRangeDto | undefined): Promise<string[]> {
    return this.dimensions.values(projectId, dimension, range && readRange(range.from, range.to));
  }

  private entryOrThrow(value: string): CatalogEntry {
    const entry = findTarget(value);
    if (!entry) throw new QueryParameterError(`unknown target ${JSON.stringify(value)}; valid targets: ${GRAFANA_CATALOG.map((e) => e.value).join(', ')}`);
    return entry;
  }
}

/** A failed target's error, its detail prefixed with the query it came from (a panel may hold several). */
function naming(error: unknown, what: string): unknown {
  const answer = toApiError(error);
  if (!(answer instanceof ApiError)) return answer;
  const body = answer.getResponse() as ErrorBody;
  return new ApiError(answer.getStatus(), `${what}: ${body.detail}`, body.causes, answer.headers);
}
