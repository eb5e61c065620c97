// (c) captureException from nested functions (inside a span), and an error raised inside a
// module under node_modules/ (fake-lib, written by the runner) called from app code.
import { finish } from './instrument';
import * as Sentry from '@sentry/node';

function level3(): void {
  Sentry.captureException(new Error('boom'));
}
function level2(): void {
  level3();
}
function level1(): void {
  level2();
}

async function main(): Promise<void> {
  Sentry.setUser({ id: 'user-42' });
  Sentry.setTag('scenario', 'error');
  Sentry.startSpan({ name: 'nightly job', op: 'task' }, () => level1());
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fakeLib = require('fake-lib') as { parseStrict: (text: string) => unknown };
  try {
    fakeLib.parseStrict('{not json');
  } catch (error) {
    Sentry.captureException(error);
  }
  await finish();
}

void main();
