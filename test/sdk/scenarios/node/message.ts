// (e) captureMessage at the default level and with an explicit level.
import { finish } from './instrument';
import * as Sentry from '@sentry/node';

async function main(): Promise<void> {
  Sentry.captureMessage('hello from pulse');
  Sentry.captureMessage('disk 91% full on volume 3', 'warning');
  await finish();
}

void main();
