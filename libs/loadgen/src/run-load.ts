import { EnvelopeTransport, HttpTransport } from './http-transport';
import { LoadRun } from './load-run';
import { LoadStats, LoadSummary } from './load-stats';
import { LoadOptions, resolveLoadOptions, ResolvedLoadOptions } from './options';
import { OpenLoopPacer } from './pacer';
import { parseTargets } from './targets';
import { Workload } from './workload';

/** After the drain timeout, the sends still open are aborted; their errors arrive within this. */
const ABORT_SETTLE_MS = 1000;

/**
 * Runs a load: validates the options (LoadOptionsError), sends for `durationS` or until `signal`
 * aborts, waits for the responses in flight, and returns the summary. Never throws for HTTP or
 * network failures: they are counted. `transport` is for tests.
 */
export async function runLoad(options: LoadOptions, transport?: EnvelopeTransport): Promise<LoadSummary> {
  const resolved = resolveLoadOptions(options);
  const targets = parseTargets(resolved.dsns, resolved.allowRemote);
  const workload = new Workload({
    seed: resolved.seed,
    idSeed: resolved.idSeed,
    publicKeys: targets.map((target) => target.publicKey),
    mix: resolved.mix,
    users: resolved.users,
    tagSentAt: resolved.tagSentAt,
    reuse: resolved.reuse,
  });
  const sender = transport ?? new HttpTransport({ concurrency: resolved.concurrency, timeoutMs: resolved.timeoutMs });
  const cpuAtStart = process.cpuUsage();
  const startMs = performance.now();
  const stats = new LoadStats(startMs);
  const run = new LoadRun({ source: workload, transport: sender, targets, stats, concurrency: resolved.concurrency, onEnvelope: options.onEnvelope });
  const progressTimer = setInterval(() => options.onProgress?.(stats.progress(performance.now(), run.inFlight)), resolved.progressIntervalMs);

  try {
    const stoppedEarly = await (resolved.eventsPerS === null ? closedLoop(run, resolved, startMs, options.signal) : openLoop(run, resolved.eventsPerS, resolved, startMs, options.signal));
    const sendingEndedMs = performance.now();
    if (!(await run.drain(resolved.drainTimeoutMs))) {
      sender.close();
      await run.drain(ABORT_SETTLE_MS);
    }
    const cpu = process.cpuUsage(cpuAtStart);
    const summary = stats.summary(
      { seed: resolved.seed, reuse: resolved.reuse, targetEventsPerS: resolved.eventsPerS, concurrency: resolved.concurrency, projects: targets.length, mix: resolved.mix, durationS: resolved.durationS },
      { elapsedS: (sendingEndedMs - startMs) / 1000, drainS: (performance.now() - sendingEndedMs) / 1000, stoppedEarly, cpuS: (cpu.user + cpu.system) / 1e6 },
    );
    if (run.callbackFailure !== undefined) throw run.callbackFailure;
    return summary;
  } finally {
    clearInterval(progressTimer);
    sender.close();
  }
}

/**
 * Sends on a timer by target time until the schedule ends (then waits out the window, so the
 * achieved rate is over exactly `durationS`) or the signal aborts. Resolves to "stopped early".
 */
function openLoop(run: LoadRun, eventsPerS: number, options: ResolvedLoadOptions, startMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  const endMs = startMs + options.durationS * 1000;
  const pacer = new OpenLoopPacer(eventsPerS, startMs, endMs);
  return new Promise<boolean>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let cancelEnd: (() => void) | undefined;
    const finish = (early: boolean) => {
      clearTimeout(timer);
      cancelEnd?.();
      signal?.removeEventListener('abort', onAbort);
      resolve(early);
    };
    const onAbort = () => finish(true);
    const tick = () => {
      try {
        run.dispatchDue(pacer, performance.now());
      } catch (error) {
        // A bug in building an envelope: stop rather than crash the process from a timer.
        signal?.removeEventListener('abort', onAbort);
        return reject(error);
      }
      if (pacer.finished) cancelEnd = timerAt(endMs, () => finish(false));
      else timer = setTimeout(tick, Math.max(0, pacer.nextDueMs() - performance.now()));
    };
    if (signal?.aborted) return finish(true);
    signal?.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}

/** `concurrency` workers send back to back until the duration is over or the signal aborts. */
function closedLoop(run: LoadRun, options: ResolvedLoadOptions, startMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  let stop = false;
  const endMs = startMs + options.durationS * 1000;
  return new Promise<boolean>((resolve, reject) => {
    // The workers end after their current send; runLoad's drain waits for those.
    const settle = (outcome: () => void) => {
      stop = true;
      cancelEnd();
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => settle(() => resolve(true));
    const cancelEnd = timerAt(endMs, () => settle(() => resolve(false)));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    for (let i = 0; i < options.concurrency; i++) {
      // Only a bug in building an envelope gets here (sends never reject).
      run.worker(() => stop).catch((error: unknown) => settle(() => reject(error)));
    }
  });
}

/**
 * Calls `callback` once performance.now() has reached `targetMs`; returns a cancel function. Node
 * timers may fire up to a millisecond before their target on that clock, which would end a window
 * short of `durationS` (and overstate the achieved rate), so the timer is re-armed until the
 * target has really passed.
 */
function timerAt(targetMs: number, callback: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const leftMs = targetMs - performance.now();
    if (leftMs <= 0) callback();
    else timer = setTimeout(check, Math.ceil(leftMs));
  };
  // Armed even when the target has passed, so the callback never runs before the caller returns.
  timer = setTimeout(check, Math.max(0, Math.ceil(targetMs - performance.now())));
  return () => clearTimeout(timer);
}
