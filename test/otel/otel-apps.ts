/**
 * Runs the two OpenTelemetry programs (node-app.ts, python_app.py) as child processes, each
 * configured as any OpenTelemetry SDK is: only by the standard OTEL_* variables, here pointing the
 * OTLP/HTTP trace exporter at a Pulse ingest. The workload goes in on stdin; the program's report
 * of what it exported comes back from stdout. A program that fails, or whose exporter saw an
 * export refused, rejects with its output, so a test never waits for data that was never accepted.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { ExportReport, Workload } from './workload';

const ROOT = resolve(__dirname, '..', '..');
export const NODE_APP = join(ROOT, 'test', 'otel', 'node-app.ts');
export const PYTHON_APP = join(ROOT, 'test', 'otel', 'python_app.py');

export interface OtelExport {
  /** The full OTLP traces URL (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  endpoint: string;
  /** The project's public key, sent as `x-sentry-auth: sentry sentry_key=<key>`. */
  publicKey: string;
  serviceName: string;
  /** `service.version`: the release. */
  serviceVersion: string;
  /** `deployment.environment.name`: the environment. */
  environment: string;
  protocol: 'http/protobuf' | 'http/json';
  gzip: boolean;
}

/** The standard OpenTelemetry SDK environment for `target`: nothing else configures the programs. */
export function otelEnvironment(target: OtelExport): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: target.endpoint,
    // Header values are percent-decoded by the SDKs (W3C baggage format): the space and '=' are encoded.
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-sentry-auth=${encodeURIComponent(`sentry sentry_key=${target.publicKey}`)}`,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: target.protocol,
    ...(target.gzip ? { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' } : {}),
    OTEL_SERVICE_NAME: target.serviceName,
    OTEL_RESOURCE_ATTRIBUTES: `service.version=${encodeURIComponent(target.serviceVersion)},deployment.environment.name=${encodeURIComponent(target.environment)}`,
  };
}

let nodeAppBundle: Promise<string> | undefined;

/**
 * node-app.ts bundled by esbuild (once per test process, before any run starts, so concurrent runs
 * never read a half-written file) into .local/otel/, packages left external: the installed SDK.
 */
function bundleNodeApp(): Promise<string> {
  nodeAppBundle ??= (async () => {
    const esbuild = await import('esbuild');
    const outfile = join(ROOT, '.local', 'otel', 'node-app.cjs');
    await esbuild.build({ entryPoints: [NODE_APP], outfile, bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'error' });
    return outfile;
  })();
  return nodeAppBundle;
}

/** node-app.ts under Node with source maps: its exception's stack names node-app.ts and its lines, as in any V8 program. */
export async function runNodeOtelApp(workload: Workload, target: OtelExport): Promise<ExportReport> {
  return runOtelProgram(process.execPath, ['--enable-source-maps', await bundleNodeApp()], workload, target);
}

/** python_app.py with `python` (the venv of ensurePythonTools, which has the pinned SDK). */
export function runPythonOtelApp(python: string, workload: Workload, target: OtelExport): Promise<ExportReport> {
  return runOtelProgram(python, [PYTHON_APP], workload, target);
}

async function runOtelProgram(command: string, args: string[], workload: Workload, target: OtelExport, timeoutMs = 60_000): Promise<ExportReport> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...otelEnvironment(target) } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(JSON.stringify(workload));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done, fail) => {
    child.once('error', fail);
    child.once('close', (exitCode, exitSignal) => done([exitCode, exitSignal]));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`${args.at(-1)} exited with ${code ?? signal}${signal === 'SIGKILL' ? ` (killed after ${timeoutMs} ms)` : ''}\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr.slice(0, 4000)}`);
  return JSON.parse(stdout) as ExportReport;
}

/** 1-based line of the only line of `source` that contains `needle` (how the test knows where the program throws). */
export function lineOf(source: string, needle: string): number {
  const lines = source.split('\n').flatMap((line, index) => (line.includes(needle) ? [index + 1] : []));
  if (lines.length !== 1) throw new Error(`expected one line with ${JSON.stringify(needle)}, found ${lines.length}`);
  return lines[0];
}
