import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runOpenLoop } from './open-loop';
import type { PreparedRequest } from './request-loop';

const requests: PreparedRequest[] = [{ path: '/api/1/envelope/', body: Buffer.from('{}\n'), headers: { 'content-length': 3 }, events: 2 }];

/** A server that answers each request after `delayMs`, or holds it until `release()` when told to. */
async function startServer(delayMs: number): Promise<{ port: number; hold: () => void; close: () => Promise<void> }> {
  let holding = false;
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (holding) held.push(res);
      else setTimeout(() => res.end('{}'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    hold: () => (holding = true),
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('runOpenLoop', () => {
  it('starts requests on schedule and measures latency from the scheduled start', async () => {
    const server = await startServer(20);
    try {
      const result = await runOpenLoop({ port: server.port, envelopesPerSecond: 200, warmupMs: 100, durationMs: 1000, requests });
      expect(result.targetEnvelopesPerSecond).toBe(200);
      // 200 scheduled in the window, each answered; a loaded test machine may shift a few across its edge.
      expect(result.envelopesPerSecond).toBeGreaterThanOrEqual(180);
      expect(result.envelopesPerSecond).toBeLessThanOrEqual(201);
      expect(result.eventsPerSecond).toBeCloseTo(result.envelopesPerSecond * 2, 5);
      expect(result.p50Ms).toBeGreaterThanOrEqual(20);
      expect(result.statuses).toEqual({ '200': expect.any(Number) });
      expect(result.unansweredAtEnd).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('keeps sending when the server stops answering, and counts what is still unanswered after the grace time', async () => {
    const server = await startServer(0);
    server.hold();
    try {
      const result = await runOpenLoop({ port: server.port, envelopesPerSecond: 100, warmupMs: 0, durationMs: 300, requests, graceMs: 100 });
      expect(result.envelopesPerSecond).toBe(0);
      expect(result.unansweredAtEnd).toBeGreaterThanOrEqual(25);
      expect(result.p99Ms).toBeNaN();
    } finally {
      await server.close();
    }
  });

  it('refuses a rate that is not positive', async () => {
    await expect(runOpenLoop({ port: 1, envelopesPerSecond: 0, warmupMs: 0, durationMs: 10, requests })).rejects.toThrow('must be positive');
  });
});
