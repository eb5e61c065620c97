import { AnalyticsRepository } from './analytics.repository';
import type { Source } from './aggregate-query';
import { compileCanarySamples, compileFirstMinutes } from './canary.query';
import { CanaryErrorsRow, CanarySamples, CanarySessionsRow, CanaryTransactionsRow, toCanarySamples } from './canary.result';
import { RollupTiers } from './rollup-tiers';

export interface CanarySamplesRequest {
  projectId: number;
  environment?: string;
  canary: string;
  baseline: string;
  fromMs: number;
  toMs: number;
  /** Forces a path (tests compare both); chosen from the range otherwise. */
  source?: Source;
}

export interface FirstMinuteRequest {
  projectId: number;
  environment?: string;
  release: string;
  fromMs: number;
  toMs: number;
  source?: Source;
}

/**
 * The reads of canary (release) rules: per-minute samples of a canary and its baseline over one
 * window, and the first minute a release was seen. Used by the release rule evaluator of
 * @pulse/alerts through its port.
 */
export class CanaryService {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly rollupTiers: RollupTiers,
  ) {}

  async samples(request: CanarySamplesRequest): Promise<CanarySamples> {
    const starts = await this.rollupTiers.starts();
    const queries = compileCanarySamples({
      projectId: request.projectId,
      environment: request.environment,
      canary: request.canary,
      baseline: request.baseline,
      range: { fromMs: request.fromMs, toMs: request.toMs },
      source: request.source,
      ...starts,
    });
    const [transactions, errors, sessions] = await Promise.all([
      this.repository.query<CanaryTransactionsRow>(queries.transactions),
      this.repository.query<CanaryErrorsRow>(queries.errors),
      this.repository.query<CanarySessionsRow>(queries.sessions),
    ]);
    return toCanarySamples(request, { transactions, errors, sessions });
  }

  /** The first minute (epoch ms) in [fromMs, toMs) the release had a transaction or started a session; null: none. */
  async firstMinute(request: FirstMinuteRequest): Promise<number | null> {
    if (!(request.toMs > request.fromMs)) throw new RangeError('firstMinute needs fromMs < toMs');
    const starts = await this.rollupTiers.starts();
    const queries = compileFirstMinutes({
      projectId: request.projectId,
      environment: request.environment,
      release: request.release,
      range: { fromMs: request.fromMs, toMs: request.toMs },
      source: request.source,
      ...starts,
    });
    const answers = await Promise.all([queries.transactions, queries.sessions].map((q) => this.repository.query<{ first_seen: string | number }>(q)));
    const minutes = answers.flatMap((rows) => rows.map((row) => Number(row.first_seen))).filter((ms) => ms > 0);
    return minutes.length === 0 ? null : Math.min(...minutes);
  }
}
