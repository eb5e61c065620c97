// (d) Release health without any session API call: the SDK's own process session, one handled
// error, and the process ending by itself (no flush/close), so the SDK's exit path runs.
import './instrument';
import * as Sentry from '@sentry/node';

function main(): void {
  Sentry.setUser({ id: 'user-42' });
  Sentry.captureException(new Error('handled during session'));
}

main();
