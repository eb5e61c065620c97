// The real @sentry/node with the SDK's own offline transport (makeOfflineTransport around the Node
// HTTP transport) and an in-memory store, as an app that queues events while offline configures
// it. When a send fails (here: the connection drops before the answer), the transport keeps the
// envelope and sends it again after 5 s, then 10 s, … with a new `sent_at`. Sends a transaction
// with a child span, a captured error and a session update, then stays alive until the runner
// ends it (SIGTERM): the retry timers are unref'd and would not keep the process alive.
// SENTRY_DSN, SENTRY_RELEASE and SENTRY_ENVIRONMENT come from the runner (test/resends.e2e-spec.ts).
import * as Sentry from '@sentry/node';
import { type Envelope, makeOfflineTransport, type OfflineTransportOptions } from '@sentry/core';

const queue: Envelope[] = [];
/** The offline transport's options travel in transportOptions, typed for the Node transport alone. */
const offlineOptions: Partial<Parameters<typeof Sentry.makeNodeTransport>[0]> & Pick<OfflineTransportOptions, 'createStore'> = {
  createStore: () => ({
    push: async (envelope: Envelope) => void queue.push(envelope),
    unshift: async (envelope: Envelope) => void queue.unshift(envelope),
    shift: async () => queue.shift(),
  }),
};

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  release: process.env.SENTRY_RELEASE,
  environment: process.env.SENTRY_ENVIRONMENT,
  tracesSampleRate: 1,
  traceLifecycle: 'static',
  transport: makeOfflineTransport(Sentry.makeNodeTransport),
  transportOptions: offlineOptions,
});

async function main(): Promise<void> {
  Sentry.setUser({ id: 'user-retry' });
  Sentry.startSpan({ name: 'GET /retry', op: 'http.server' }, () => {
    Sentry.startSpan({ name: 'SELECT orders', op: 'db' }, () => undefined);
  });
  Sentry.captureException(new Error('sent until the answer arrives'));
  Sentry.endSession();
  Sentry.startSession();
  Sentry.endSession();
  await Sentry.flush(2000);
  setInterval(() => undefined, 1000);
}

process.on('SIGTERM', () => process.exit(0));
void main();
