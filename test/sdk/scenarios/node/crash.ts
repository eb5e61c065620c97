// An uncaught exception: what the SDK's onUncaughtException handler sends before the process exits.
import { sleep } from './instrument';

function explode(): never {
  throw new Error('uncaught boom');
}

async function main(): Promise<void> {
  await sleep(10);
  setTimeout(explode, 10);
}

void main();
