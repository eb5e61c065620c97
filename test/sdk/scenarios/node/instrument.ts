// Loaded first by every Node scenario: initialises the real @sentry/node with only the options
// the recording is about. SENTRY_DSN, SDK_MODE (stream | static), SENTRY_RELEASE and
// SENTRY_ENVIRONMENT come from the runner (test/sdk/node-scenarios.ts).
import * as Sentry from '@sentry/node';

export const mode = process.env.SDK_MODE === 'static' ? 'static' : 'stream';

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  release: process.env.SENTRY_RELEASE,
  environment: process.env.SENTRY_ENVIRONMENT,
  tracesSampleRate: 1,
  // Streaming is the SDK's default: only the static variant sets the option.
  ...(mode === 'static' && { traceLifecycle: 'static' as const }),
});

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends whatever the SDK still holds, then lets the process end on its own. */
export async function finish(): Promise<void> {
  const flushed = await Sentry.flush(5000);
  if (!flushed) console.error('scenario: Sentry.flush timed out');
}
