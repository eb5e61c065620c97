// (a) Sentry.startSpan with nested child spans; one child ends with an error status, one throws.
import { finish, sleep } from './instrument';
import * as Sentry from '@sentry/node';

async function main(): Promise<void> {
  Sentry.setUser({ id: 'user-42', email: 'ada@example.com' });
  await Sentry.startSpan({ name: 'checkout', op: 'task' }, async (root) => {
    root.setAttributes({ 'cart.items': 3, 'cart.total': 12.5, 'cart.express': true, 'cart.skus': ['a-1', 'b-2'] });
    await Sentry.startSpan({ name: 'load cart', op: 'db.query' }, async () => {
      await Sentry.startSpan({ name: 'SELECT * FROM carts WHERE id = ?', op: 'db' }, () => sleep(15));
      await sleep(5);
    });
    Sentry.startSpan({ name: 'charge card', op: 'payment' }, (span) => {
      span.setStatus({ code: 2, message: 'internal_error' });
    });
    try {
      await Sentry.startSpan({ name: 'send receipt', op: 'function' }, async () => {
        await sleep(5);
        throw new Error('mail server down');
      });
    } catch {
      // the span records the failure; the scenario goes on
    }
  });
  await finish();
}

void main();
