/** Thrown by a probe when waiting longer cannot help (the process it waits for has exited). */
export class StopWaiting extends Error {}

/**
 * Polls `probe` until it returns true or the deadline passes. Readiness is always checked this
 * way, never by sleeping a fixed time. The pause between attempts only spaces out the polls.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  { timeoutMs = 60_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      if (err instanceof StopWaiting) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`${what} was not ready within ${timeoutMs} ms${reason}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
