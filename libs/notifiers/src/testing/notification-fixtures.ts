import type { AlertAction, Delivery, TicketRegistry } from '../destination';
import type { IssueAlertNotification, MetricAlertNotification, Notification, ReleaseAlertNotification } from '../notification';

/**
 * Notifications as the alerts library decides them, for specs of rendering and delivery, and a
 * TicketRegistry kept in memory: the durable one is a PostgreSQL table of @pulse/alerts, which
 * this library cannot reach (it has no storage); its contract is what the destinations rely on.
 */

export function issueNotification(overrides: Partial<IssueAlertNotification> = {}): IssueAlertNotification {
  return {
    kind: 'issue',
    action: 'triggered',
    projectId: 1,
    rule: { id: 7, name: 'New errors in checkout' },
    at: '2026-12-07T12:00:00.000Z',
    link: 'http://127.0.0.1:8000/api/0/issues/42/',
    incidentId: 100,
    trigger: 'new_issue',
    reason: 'A new issue was seen',
    issue: {
      id: 42,
      shortId: 'CHECKOUT-1A',
      title: "TypeError: Cannot read properties of undefined (reading 'id')",
      culprit: 'app/checkout in submitOrder',
      level: 'error',
      platform: 'javascript',
      status: 'unresolved',
      substatus: 'new',
      firstSeen: '2026-12-07T11:59:58.000Z',
      lastSeen: '2026-12-07T11:59:59.000Z',
      count: 3,
      userCount: 2,
    },
    event: {
      eventId: '9f1c2b8e4d3a4f0b8c7d6e5f4a3b2c1d',
      timestamp: '2026-12-07T11:59:59.000Z',
      release: 'web@1.4.2',
      environment: 'production',
      level: 'error',
      platform: 'javascript',
      transaction: '/checkout',
      exceptionType: 'TypeError',
      exceptionValue: "Cannot read properties of undefined (reading 'id')",
      tags: { browser: 'Chrome 120', os: 'macOS' },
    },
    ...overrides,
  };
}

export function metricNotification(overrides: Partial<MetricAlertNotification> = {}): MetricAlertNotification {
  return {
    kind: 'metric',
    action: 'triggered',
    projectId: 1,
    rule: { id: 8, name: 'Slow checkout' },
    at: '2026-12-07T12:05:00.000Z',
    link: 'http://127.0.0.1:8000/api/0/alerts/incidents/200/',
    incidentId: 200,
    status: 'critical',
    previousStatus: 'ok',
    value: 812.5,
    threshold: { direction: 'above', value: 500 },
    aggregate: 'p95(transaction.duration)',
    dataset: 'transactions',
    windowSeconds: 300,
    filters: { transaction: '/checkout' },
    ...overrides,
  };
}

export function releaseNotification(overrides: Partial<ReleaseAlertNotification> = {}): ReleaseAlertNotification {
  return {
    kind: 'release',
    action: 'triggered',
    projectId: 1,
    rule: { id: 9, name: 'Canary web' },
    at: '2026-12-07T12:10:00.000Z',
    link: 'http://127.0.0.1:8000/api/0/alerts/incidents/300/',
    incidentId: 300,
    verdict: 'fail',
    score: 42,
    canary: 'web@1.5.0',
    baseline: 'web@1.4.2',
    environment: 'production',
    reasons: ['crash-free sessions 97.1% < 99%', 'p95 duration +38%'],
    ...overrides,
  };
}

/** Tickets kept in a Map; `forgetAll` simulates a sender that died between create and remember. */
export class InMemoryTicketRegistry implements TicketRegistry {
  readonly entries = new Map<string, string>();

  async find(issueId: number, destination: string): Promise<string | undefined> {
    return this.entries.get(`${issueId}|${destination}`);
  }

  async remember(issueId: number, destination: string, ticketKey: string): Promise<void> {
    this.entries.set(`${issueId}|${destination}`, ticketKey);
  }

  forgetAll(): void {
    this.entries.clear();
  }
}

/** A delivery of `notification` by `action`, with a fresh registry unless one is given. */
export function deliveryOf<A extends AlertAction>(notification: Notification, action: A, overrides: Partial<Delivery<A>> = {}): Delivery<A> {
  return { notification, action, idempotencyKey: `key-${notification.incidentId}-${action.type}`, timeoutMs: 2000, tickets: new InMemoryTicketRegistry(), ...overrides };
}
