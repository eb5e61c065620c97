// A message event whose envelope is over 32 KiB, to see the transport's gzip.
import { finish } from './instrument';
import * as Sentry from '@sentry/node';

async function main(): Promise<void> {
  const lines = Array.from({ length: 800 }, (_, i) => `line ${i}: ${'lorem ipsum dolor sit amet '.repeat(2)}`);
  Sentry.captureMessage('large event', { level: 'info', extra: { log: lines.join('\n') } });
  await finish();
}

void main();
