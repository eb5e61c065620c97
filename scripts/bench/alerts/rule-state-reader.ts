// Where the benchmark's rules stand, read from the run's own PostgreSQL database
// (alert_rule_state, libs/state/migrations/0002_alerts.sql): whether a rule has been evaluated yet
// (the latency phase starts from a rule already on its schedule, not from the evaluation a new rule
// gets at once), and how long ago the least recently evaluated rule of the load was evaluated (the
// direct check that every rule keeps being evaluated, beside the app's counters).
import { createPostgresPool } from '@pulse/state';
import type { Pool } from 'pg';

export class RuleStateReader {
  private readonly pool: Pool;

  constructor(databaseUrl: string) {
    this.pool = createPostgresPool({ url: databaseUrl, maxConnections: 2, applicationName: 'pulse bench alerts' });
  }

  /** How many of `ruleIds` have been evaluated at least once. */
  async evaluatedCount(ruleIds: readonly number[]): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM alert_rule_state WHERE rule_id = ANY($1::bigint[]) AND last_evaluated_at IS NOT NULL', [ruleIds]);
    return Number(rows[0].n);
  }

  /**
   * Seconds since the least recently evaluated of `ruleIds` was last evaluated (by PostgreSQL's
   * clock, on this machine, against the evaluation instant the scheduler wrote); null while one
   * has never been evaluated.
   */
  async oldestEvaluationAgeS(ruleIds: readonly number[]): Promise<number | null> {
    const { rows } = await this.pool.query<{ age: number | null; never: string }>(
      `SELECT extract(epoch FROM now() - min(s.last_evaluated_at))::float8 AS age,
              ($1::int - count(s.last_evaluated_at)) AS never
         FROM alert_rule_state s WHERE s.rule_id = ANY($2::bigint[])`,
      [ruleIds.length, ruleIds],
    );
    return Number(rows[0].never) > 0 ? null : rows[0].age;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
