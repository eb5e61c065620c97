import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@pulse/platform';
import type { Counter } from 'prom-client';

/**
 * Why a tenant read was refused by the query app itself (not by ClickHouse):
 * - token_busy: the token already had its reads running and its queue full (429);
 * - token_queue_timeout: a read waited longer than QUERY_MAX_QUEUE_WAIT_MS for a slot (429);
 * - result_rows / result_bytes: the answer was over SQL_MAX_RESULT_ROWS / SQL_MAX_RESULT_BYTES, or
 *   an analytics answer over its row cap (400).
 */
export type ReadRefusalReason = 'token_busy' | 'token_queue_timeout' | 'result_rows' | 'result_bytes';

/** `pulse_query_read_refusals_total{reason}`. Labelled by reason only: a token is a secret. */
@Injectable()
export class ReadRefusals {
  private readonly refusals: Counter<'reason'>;

  constructor(metrics: MetricsRegistry) {
    this.refusals = metrics.counter('pulse_query_read_refusals_total', 'Tenant reads refused by the query app, by reason', ['reason']);
  }

  count(reason: ReadRefusalReason): void {
    this.refusals.inc({ reason });
  }
}
