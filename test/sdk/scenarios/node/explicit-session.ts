// (d) Release health through the session API: endSession() for the process session, then a new
// session started with startSession() and ended with endSession(), then flush.
import { finish, sleep } from './instrument';
import * as Sentry from '@sentry/node';

async function main(): Promise<void> {
  Sentry.setUser({ id: 'user-7', email: 'grace@example.com' });
  Sentry.endSession();
  Sentry.startSession();
  await sleep(20);
  Sentry.endSession();
  await finish();
}

void main();
