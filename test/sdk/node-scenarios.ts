// Runs the real @sentry/node in a fresh child process per scenario (no SDK state leaks between
// runs) against a recording server. Scenario sources are test/sdk/scenarios/node/<name>.ts,
// bundled on the fly by esbuild (packages left external, so @sentry/node is the installed one)
// into .local/sdk-scenarios/node/, next to a fake node_modules/fake-lib for the error scenario.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from './fixtures';
import { RecordedRequest, RecordingServer } from './recording-server';

export type SdkMode = 'stream' | 'static';

export const NODE_SCENARIOS = ['spans', 'http-server', 'outgoing-fetch', 'error', 'crash', 'sessions', 'explicit-session', 'message', 'large-event'] as const;
export type NodeScenario = (typeof NODE_SCENARIOS)[number];

/** A fixed public key: 32 hex characters, as in a real DSN. */
export const PUBLIC_KEY = '0123456789abcdef0123456789abcdef';
export const PROJECT_ID = 42;
export const RELEASE = 'pulse-fixtures@1.0.0';
export const ENVIRONMENT = 'recording';

export interface ScenarioRun {
  requests: RecordedRequest[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const FAKE_LIB = `'use strict';
// A stand-in third-party module: its frames sit under node_modules/ and are not in-app.
function readToken(text, index) {
  if (text[index] !== '"' && text[index] !== '}') {
    throw new SyntaxError('fake-lib: unexpected token ' + JSON.stringify(text[index]) + ' at ' + index);
  }
  return text[index];
}
function parseStrict(text) {
  return readToken(text, 1);
}
module.exports = { parseStrict };
`;

const repoRoot = findRepoRoot(__dirname);
const workDir = join(repoRoot, '.local', 'sdk-scenarios', 'node');
const built = new Map<NodeScenario, string>();

/** Bundles a scenario (once per process) and returns the path of the CommonJS file. */
export async function buildNodeScenario(scenario: NodeScenario): Promise<string> {
  const cached = built.get(scenario);
  if (cached) return cached;
  const esbuild = await import('esbuild');
  mkdirSync(join(workDir, 'node_modules', 'fake-lib'), { recursive: true });
  writeFileSync(join(workDir, 'node_modules', 'fake-lib', 'index.js'), FAKE_LIB);
  const outfile = join(workDir, `${scenario}.cjs`);
  await esbuild.build({
    entryPoints: [join(repoRoot, 'test', 'sdk', 'scenarios', 'node', `${scenario}.ts`)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  built.set(scenario, outfile);
  return outfile;
}

/**
 * Runs one scenario against `server` and returns the SDK requests it made. The child is killed
 * after `timeoutMs`; after it exits, requests still in flight get `settleMs` of quiet to land.
 */
export async function runNodeScenario(
  server: RecordingServer,
  scenario: NodeScenario,
  mode: SdkMode,
  { timeoutMs = 20_000, settleMs = 500, dsn }: { timeoutMs?: number; settleMs?: number; /** send to this DSN (a Pulse ingest) instead of `server` */ dsn?: string } = {},
): Promise<ScenarioRun> {
  const file = await buildNodeScenario(scenario);
  server.take();
  return runScenarioChild(server, process.execPath, [file], {
    cwd: workDir,
    env: { SENTRY_DSN: dsn ?? server.dsn(PUBLIC_KEY, PROJECT_ID), SENTRY_RELEASE: RELEASE, SENTRY_ENVIRONMENT: ENVIRONMENT, SDK_MODE: mode },
    timeoutMs,
    settleMs,
  });
}

/**
 * Runs one scenario program (PATH and HOME of this process plus `env`) and collects what it sent to
 * `server`: killed after `timeoutMs`; after it exits, requests still in flight get `settleMs` of quiet.
 */
export async function runScenarioChild(
  server: RecordingServer,
  file: string,
  args: readonly string[],
  { cwd, env, timeoutMs, settleMs }: { cwd: string; env: Record<string, string>; timeoutMs: number; settleMs: number },
): Promise<ScenarioRun> {
  const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (code, sig) => resolve([code, sig])),
  );
  clearTimeout(timer);
  await server.waitForQuiet(settleMs, settleMs + 3000);
  return { requests: server.take(), exitCode, signal, stdout, stderr, timedOut };
}
