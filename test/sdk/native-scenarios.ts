// Runs the official Python, Go, Java and Rust Sentry SDKs against a recording server. Each SDK
// has one scenario program under test/sdk/scenarios/<sdk>/ taking the scenario name as its only
// argument and the DSN in SENTRY_DSN; it flushes/closes its client before it exits. Builds go to
// .local/sdk-scenarios/<sdk>/ (never committed): a venv with the pinned sentry-sdk, a Go binary,
// Maven's target folder, Cargo's target folder. The toolchains (python3, go, mvn + java 17,
// cargo) are not part of `npm test`: recordings are made once and committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from './fixtures';
import { PROJECT_ID, PUBLIC_KEY, runScenarioChild, ScenarioRun } from './node-scenarios';
import { RecordingServer } from './recording-server';

export const NATIVE_SDKS = ['python', 'go', 'java', 'rust'] as const;
export type NativeSdk = (typeof NATIVE_SDKS)[number];

export const NATIVE_SCENARIOS = ['errors', 'message', 'transaction', 'sessions', 'client-report'] as const;
export type NativeScenario = (typeof NATIVE_SCENARIOS)[number];

/** Scenarios an SDK has no API for: nothing is recorded (sentry-go has no release-health sessions). */
export const UNSUPPORTED_SCENARIOS: Partial<Record<NativeSdk, NativeScenario[]>> = { go: ['sessions'] };

/** What the recording server answers to the first envelope of the `client-report` scenario. */
export const CLIENT_REPORT_RATE_LIMITS = '60:error:key';

interface NativeCommand {
  file: string;
  args: string[];
  cwd: string;
  env?: Record<string, string>;
}

const repoRoot = findRepoRoot(__dirname);
const scenariosDir = join(repoRoot, 'test', 'sdk', 'scenarios');
const buildRoot = join(repoRoot, '.local', 'sdk-scenarios');

function run(file: string, args: string[], cwd: string, env: Record<string, string> = {}): void {
  execFileSync(file, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

/** Builds one SDK's scenario program (idempotent; each toolchain skips what is up to date). */
function buildNative(sdk: NativeSdk): NativeCommand {
  const sourceDir = join(scenariosDir, sdk);
  const outDir = join(buildRoot, sdk);
  mkdirSync(outDir, { recursive: true });
  switch (sdk) {
    case 'python': {
      const venv = join(outDir, 'venv');
      if (!existsSync(join(venv, 'bin', 'python'))) run('python3', ['-m', 'venv', venv], sourceDir);
      run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', 'requirements.txt'], sourceDir);
      return { file: join(venv, 'bin', 'python'), args: ['run.py'], cwd: sourceDir, env: { PYTHONDONTWRITEBYTECODE: '1' } };
    }
    case 'go': {
      const binary = join(outDir, 'pulsefixtures');
      run('go', ['build', '-o', binary, '.'], sourceDir);
      return { file: binary, args: [], cwd: sourceDir };
    }
    case 'java': {
      // pom.xml puts Maven's target folder at .local/sdk-scenarios/java.
      run('mvn', ['-q', '-B', 'package'], sourceDir);
      return { file: 'java', args: ['-cp', `${join(outDir, 'classes')}:${join(outDir, 'lib', '*')}`, 'com.example.Main'], cwd: sourceDir };
    }
    case 'rust': {
      run('cargo', ['build', '--locked'], sourceDir, { CARGO_TARGET_DIR: outDir });
      return { file: join(outDir, 'debug', 'pulse-fixtures'), args: [], cwd: sourceDir, env: { RUST_BACKTRACE: '1' } };
    }
  }
}

const built = new Map<NativeSdk, NativeCommand>();

/** Builds (once per process) and returns how to run one SDK's scenario program. */
export function nativeCommand(sdk: NativeSdk): NativeCommand {
  const cached = built.get(sdk);
  if (cached) return cached;
  const command = buildNative(sdk);
  built.set(sdk, command);
  return command;
}

/**
 * Runs one scenario program against `server` and returns the SDK requests it made. The child is
 * killed after `timeoutMs`; after it exits, requests still in flight get `settleMs` of quiet.
 * For `client-report` the server answers the first envelope 429 (CLIENT_REPORT_RATE_LIMITS).
 */
export async function runNativeScenario(
  server: RecordingServer,
  sdk: NativeSdk,
  scenario: NativeScenario,
  { timeoutMs = 60_000, settleMs = 1000 }: { timeoutMs?: number; settleMs?: number } = {},
): Promise<ScenarioRun> {
  const command = nativeCommand(sdk);
  server.take();
  if (scenario === 'client-report') server.rateLimitNext(1, CLIENT_REPORT_RATE_LIMITS);
  try {
    return await runScenarioChild(server, command.file, [...command.args, scenario], {
      cwd: command.cwd,
      env: { ...command.env, SENTRY_DSN: server.dsn(PUBLIC_KEY, PROJECT_ID) },
      timeoutMs,
      settleMs,
    });
  } finally {
    server.rateLimitNext(0, '');
  }
}
