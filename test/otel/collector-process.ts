/**
 * The OpenTelemetry Collector of docker/otel-collector (otelcol-pulse, built by ensureOtelCollector)
 * as a child process running docker/otel-collector/collector.yaml, the very file docs/otlp.md shows:
 * the test fills only the variables the file reads (Pulse's traces URL, the project's key, the
 * receiver's port). Ready when its OTLP/HTTP receiver answers; stopped with SIGTERM, on which the
 * Collector shuts its pipeline down in order, so the batch processor flushes what it holds and the
 * exporter sends it before the process exits. Its log is kept so a test can read what it reported.
 */
import { freePorts, StopWaiting, waitUntil } from '@pulse/local-infra';
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
export const COLLECTOR_CONFIG = join(ROOT, 'docker', 'otel-collector', 'collector.yaml');

/** Where the Collector forwards to: one Pulse project's OTLP endpoint. */
export interface CollectorTarget {
  /** `https://<pulse>/api/<project id>/integration/otlp/v1/traces` (PULSE_OTLP_ENDPOINT). */
  pulseTracesEndpoint: string;
  /** The project's DSN public key (PULSE_DSN_KEY). */
  publicKey: string;
}

export class CollectorProcess {
  private output = '';
  private exit: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    /** The receiver's OTLP/HTTP traces URL: what an application's exporter points at. */
    readonly tracesEndpoint: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    // The exit code; null when a signal ended the process (SIGKILL after a stop that timed out).
    this.exit = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  /** Starts `binary` with collector.yaml on a free port and resolves once its receiver answers HTTP. */
  static async start(binary: string, target: CollectorTarget, { timeoutMs = 60_000 } = {}): Promise<CollectorProcess> {
    const [port] = await freePorts(1);
    const child = spawn(binary, ['--config', COLLECTOR_CONFIG], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PULSE_OTLP_ENDPOINT: target.pulseTracesEndpoint,
        PULSE_DSN_KEY: target.publicKey,
        OTELCOL_OTLP_HTTP_PORT: String(port),
      },
    });
    const collector = new CollectorProcess(child, `http://127.0.0.1:${port}/v1/traces`);
    let exited = false;
    void collector.exit.then(() => (exited = true));
    try {
      await waitUntil(
        `the Collector's OTLP/HTTP receiver on port ${port}`,
        async () => {
          if (exited) throw new StopWaiting(`the Collector exited before it was ready:\n${collector.log}`);
          // The receiver serves POST only: a 405 to a GET is the receiver itself answering.
          const response = await fetch(collector.tracesEndpoint, { signal: AbortSignal.timeout(2_000) });
          return response.status === 405;
        },
        { timeoutMs },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return collector;
  }

  /** Everything the Collector wrote so far (its logs go to stderr). */
  get log(): string {
    return this.output;
  }

  /**
   * The log lines that report a failed or retried export, or any error or warning: with
   * retry_on_failure a refused export is first logged as "Exporting failed. Will retry…" (info),
   * then dropped with an error when retries run out, so both the message and the levels are read.
   */
  exportProblems(): string[] {
    return this.output.split('\n').filter((line) => /Exporting failed|\t(error|warn)\t|"level":"(error|warn)"/i.test(line));
  }

  /** SIGTERM, then the exit code once the Collector has flushed and exited (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }
}
