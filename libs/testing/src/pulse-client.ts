import { randomBytes } from 'node:crypto';
import { transactionEvent } from './fixtures';

/**
 * What the alert tests and the alerts benchmark do through a running stack's HTTP APIs, as a user
 * and an SDK would: create rules and read incidents on the query API, send an error of a named
 * group and transactions of a named route as SDK envelopes to ingest. Each send resolves with the
 * instant ingest answered 200 (the event is in Kafka then): where every alert latency starts.
 */
export interface PulseClientProject {
  /** The DSN's public key. */
  key: string;
  /** An API token of the project (write scope for rules). */
  token: string;
}

export interface SentTransaction {
  name: string;
  durationMs: number;
  endMs: number;
  /** The trace status (`ok` by default; `internal_error` counts as a failure). */
  status?: string;
  release?: string;
  environment?: string;
}

export interface SentError {
  environment?: string;
  release?: string;
  timestampMs?: number;
  /** The user's id (distinct users count for user_frequency rules). */
  user?: string;
}

export class PulseClient {
  constructor(
    private readonly ingestUrl: string,
    private readonly queryUrl: string,
    private readonly projects: ReadonlyMap<number, PulseClientProject>,
  ) {}

  /** POST …/alert-rules; returns the rule's id. A refusal throws with the API's answer. */
  async createRule(projectId: number, rule: object): Promise<number> {
    const response = await fetch(this.api(projectId, 'alert-rules'), { method: 'POST', headers: this.json(projectId), body: JSON.stringify(rule) });
    const text = await response.text();
    if (response.status !== 201) throw new Error(`POST alert-rules for project ${projectId} answered ${response.status}: ${text.slice(0, 500)}`);
    const id = (JSON.parse(text) as { id?: unknown }).id;
    if (typeof id !== 'number') throw new Error(`POST alert-rules answered 201 without a numeric id: ${text.slice(0, 200)}`);
    return id;
  }

  /** GET a path under /api/v1/projects/<id>/; anything but 200 throws with the answer. */
  async get<T>(projectId: number, path: string): Promise<T> {
    const response = await fetch(this.api(projectId, path), { headers: this.auth(projectId) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }

  /** PUT a JSON body to a path under /api/v1/projects/<id>/; anything but 200 throws. */
  async put(projectId: number, path: string, body: object): Promise<void> {
    const response = await fetch(this.api(projectId, path), { method: 'PUT', headers: this.json(projectId), body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`PUT ${path} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  }

  /** One error of group `group`: its own exception type and code path, so a group of its own. */
  async sendError(projectId: number, group: string, options: SentError = {}): Promise<{ eventId: string; acceptedAtMs: number }> {
    const eventId = randomBytes(16).toString('hex');
    const timestampMs = options.timestampMs ?? Date.now();
    const module = `app.${group.toLowerCase()}`;
    const path = module.replace(/\./g, '/');
    const event = {
      event_id: eventId,
      timestamp: timestampMs / 1000,
      platform: 'python',
      level: 'error',
      release: options.release ?? 'shop@1.0.0',
      environment: options.environment ?? 'production',
      ...(options.user === undefined ? {} : { user: { id: options.user } }),
      exception: {
        values: [
          {
            type: `${group}Error`,
            value: `${group} failed for order ${timestampMs % 1000}`,
            stacktrace: {
              frames: [
                { module: 'app.handlers', function: 'handle', filename: 'app/handlers.py', abs_path: '/srv/app/handlers.py', lineno: 12, in_app: true, context_line: '    return service.run(order)' },
                { module, function: 'run', filename: `${path}.py`, abs_path: `/srv/${path}.py`, lineno: 40, in_app: true, context_line: `    raise ${group}Error(order.id)` },
              ],
            },
          },
        ],
      },
    };
    return { eventId, acceptedAtMs: await this.post(projectId, eventId, 'event', event) };
  }

  /** Transactions sent `concurrency` at a time; resolves with the instant ingest accepted the last of them. */
  async sendTransactions(projectId: number, transactions: readonly SentTransaction[], concurrency = 8): Promise<number> {
    let next = 0;
    let lastAcceptedMs = 0;
    const worker = async (): Promise<void> => {
      while (next < transactions.length) {
        const t = transactions[next++];
        const eventId = randomBytes(16).toString('hex');
        const event = transactionEvent({
          event_id: eventId,
          transaction: t.name,
          start_timestamp: (t.endMs - t.durationMs) / 1000,
          timestamp: t.endMs / 1000,
          release: t.release ?? 'shop@1.0.0',
          environment: t.environment ?? 'production',
          contexts: { trace: { trace_id: randomBytes(16).toString('hex'), span_id: randomBytes(8).toString('hex'), op: 'http.server', status: t.status ?? 'ok', data: {} } },
        });
        lastAcceptedMs = Math.max(lastAcceptedMs, await this.post(projectId, eventId, 'transaction', event));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, transactions.length) }, worker));
    return lastAcceptedMs;
  }

  private project(projectId: number): PulseClientProject {
    const project = this.projects.get(projectId);
    if (project === undefined) throw new Error(`project ${projectId} is not one of the client's`);
    return project;
  }

  private api(projectId: number, path: string): string {
    return `${this.queryUrl}/api/v1/projects/${projectId}/${path}`;
  }

  private auth(projectId: number): Record<string, string> {
    return { authorization: `Bearer ${this.project(projectId).token}` };
  }

  private json(projectId: number): Record<string, string> {
    return { ...this.auth(projectId), 'content-type': 'application/json' };
  }

  private async post(projectId: number, eventId: string, type: string, event: object): Promise<number> {
    const body = [JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() }), JSON.stringify({ type }), JSON.stringify(event)].join('\n');
    const response = await fetch(`${this.ingestUrl}/api/${projectId}/envelope/`, {
      method: 'POST',
      headers: { 'x-sentry-auth': `Sentry sentry_key=${this.project(projectId).key}, sentry_version=7`, 'content-type': 'application/x-sentry-envelope' },
      body,
    });
    const acceptedAtMs = Date.now();
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    await response.arrayBuffer();
    return acceptedAtMs;
  }
}
