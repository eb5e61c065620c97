// The notifications the benchmark's webhook receiver accepted, with the instant each arrived: the
// end of every latency the alerts benchmark measures. Requests the receiver refused (a bad
// signature, a body off the documented shape) are not arrivals; the benchmark reports them apart.
import { header, type WebhookReceiver } from '@pulse/notifiers/testing';

export interface Arrival {
  body: Record<string, unknown>;
  receivedAtMs: number;
}

/** The accepted requests of one resource (`event_alert`, `metric_alert`), in arrival order. */
export function arrivals(webhook: WebhookReceiver, resource: string): Arrival[] {
  return webhook.received
    .filter((request) => header(request, 'sentry-hook-resource') === resource && request.body !== null && typeof request.body === 'object')
    .map((request) => ({ body: request.body as Record<string, unknown>, receivedAtMs: request.receivedAtMs }));
}

/** `body.data.<path…>` as a string, or undefined. */
export function dataField(body: Record<string, unknown>, ...path: string[]): string | undefined {
  let at: unknown = body.data;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'string' ? at : undefined;
}
