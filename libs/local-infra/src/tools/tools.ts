/**
 * CONTRACT FILE: the tools the tests need beyond node_modules, installed by the project itself into
 * `.local/tools` on first use, from the registries only (PyPI, the Go module proxy), at pinned
 * versions. Shared by the OTLP Python SDK test, the Helm chart test, the OpenTelemetry Collector
 * test and scripts/test.ts.
 *
 * Both installers are idempotent and cheap once done (a stamp or a version check), and safe when
 * two processes call them at once (install-lock.ts). A failed install throws with the tool's own
 * output; what was half-installed is never stamped, so the next call starts over.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { withInstallLock } from './install-lock';
import { installDigest, parseHelmVersion, readStamp, stampMatches, writeStamp } from './tool-stamp';

/** A Python virtual environment with the pinned packages of python-requirements.txt. */
export interface PythonTools {
  /** The venv's python executable. */
  python: string;
  /** Path of a console script installed in the venv (e.g. `kubernetes-validate`). */
  bin(name: string): string;
}

export const HELM_VERSION = 'v4.3.2';
const HELM_MODULE = `helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`;
const REQUIREMENTS = join('libs', 'local-infra', 'src', 'tools', 'python-requirements.txt');
/** A cold `go install` of helm took ~150 s here; a busy shared machine may take several times that. */
const HELM_INSTALL_TIMEOUT_MS = 15 * 60_000;
const PYTHON_INSTALL_TIMEOUT_MS = 10 * 60_000;
/** The Collector distribution of docker/otel-collector (go.mod pins every module at one release). */
const OTEL_COLLECTOR_SOURCE = join('docker', 'otel-collector');
/** What defines the otelcol-pulse binary: a change to any of them rebuilds it. */
const OTEL_COLLECTOR_INPUTS = ['go.mod', 'go.sum', 'main.go', 'main_others.go', 'components.go'];
/** A cold `go build` of otelcol-pulse (empty module and build caches) took ~200 s here on a busy machine. */
const OTEL_COLLECTOR_BUILD_TIMEOUT_MS = 15 * 60_000;

const run = promisify(execFile);

export async function ensurePythonTools(log: (line: string) => void): Promise<PythonTools> {
  const root = findRepoRoot();
  const venv = join(root, '.local', 'tools', 'python');
  const requirements = join(root, REQUIREMENTS);
  const digest = installDigest(readFileSync(requirements, 'utf8'));
  const stampFile = join(venv, 'pulse-requirements.sha256');
  const tools: PythonTools = { python: join(venv, 'bin', 'python'), bin: (name) => join(venv, 'bin', name) };
  const isCurrent = (): boolean => stampMatches(readStamp(stampFile), digest) && existsSync(tools.python);
  if (isCurrent()) return tools;
  // A venv is not relocatable (its scripts name its absolute path), so it is built in place under the lock.
  await withInstallLock(`${venv}.lock`, PYTHON_INSTALL_TIMEOUT_MS, async () => {
    if (isCurrent()) return;
    log(`installing the pinned Python test tools into ${relative(root, venv)} (first run only)…`);
    rmSync(venv, { recursive: true, force: true });
    await runTool('python3', ['-m', 'venv', venv], {});
    const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet'];
    await runTool(tools.python, [...pip, '--require-hashes', '--no-deps', '-r', requirements], {});
    writeStamp(stampFile, digest);
  });
  return tools;
}

export async function ensureHelm(log: (line: string) => void): Promise<string> {
  const root = findRepoRoot();
  const binDir = join(root, '.local', 'tools', 'bin');
  const helm = join(binDir, 'helm');
  if (await isHelmCurrent(helm)) return helm;
  await withInstallLock(join(root, '.local', 'tools', 'helm.lock'), HELM_INSTALL_TIMEOUT_MS, async () => {
    if (await isHelmCurrent(helm)) return;
    log(`installing helm ${HELM_VERSION} into ${relative(root, binDir)} with go install (first run only, a few minutes)…`);
    // Built beside the target and renamed over it: a reader sees the old binary or the new one, never half.
    const buildDir = join(binDir, `.helm-build-${process.pid}`);
    rmSync(buildDir, { recursive: true, force: true });
    mkdirSync(buildDir, { recursive: true });
    try {
      // The version is stamped in as helm's own Makefile does; a bare `go install` reports `v4.3`.
      const ldflags = `-X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`;
      await runTool('go', ['install', '-ldflags', ldflags, HELM_MODULE], { GOBIN: buildDir }, HELM_INSTALL_TIMEOUT_MS);
      renameSync(join(buildDir, 'helm'), helm);
    } finally {
      rmSync(buildDir, { recursive: true, force: true });
    }
    if (!(await isHelmCurrent(helm))) throw new Error(`${helm} does not report ${HELM_VERSION} after go install`);
  });
  return helm;
}

/**
 * The OpenTelemetry Collector distribution of docker/otel-collector (otelcol-pulse: the otlp
 * receiver, batch processor, otlp_http and debug exporters), built with `go build` from the Go
 * module proxy into .local/tools/bin; returns the binary's path. Stamped with the digest of its
 * go.mod, go.sum and Go sources, so editing the distribution rebuilds it on the next call.
 */
export async function ensureOtelCollector(log: (line: string) => void): Promise<string> {
  const root = findRepoRoot();
  const source = join(root, OTEL_COLLECTOR_SOURCE);
  const binDir = join(root, '.local', 'tools', 'bin');
  const collector = join(binDir, 'otelcol-pulse');
  const stampFile = join(root, '.local', 'tools', 'otelcol-pulse.sha256');
  const digest = installDigest(OTEL_COLLECTOR_INPUTS.map((name) => `${name}\n${readFileSync(join(source, name), 'utf8')}`).join('\n'));
  const isCurrent = (): boolean => stampMatches(readStamp(stampFile), digest) && existsSync(collector);
  if (isCurrent()) return collector;
  await withInstallLock(join(root, '.local', 'tools', 'otelcol-pulse.lock'), OTEL_COLLECTOR_BUILD_TIMEOUT_MS, async () => {
    if (isCurrent()) return;
    log(`building the OpenTelemetry Collector (${relative(root, source)}) into ${relative(root, binDir)} with go build (first run only, a few minutes)…`);
    mkdirSync(binDir, { recursive: true });
    // Built beside the target and renamed over it: a reader sees the old binary or the new one, never half.
    const partial = join(binDir, `.otelcol-pulse-build-${process.pid}`);
    try {
      // -buildvcs=false: the distribution sits inside Pulse's repository, whose state says nothing about it.
      await runTool('go', ['-C', source, 'build', '-trimpath', '-buildvcs=false', '-o', partial, '.'], {}, OTEL_COLLECTOR_BUILD_TIMEOUT_MS);
      renameSync(partial, collector);
    } finally {
      rmSync(partial, { force: true });
    }
    writeStamp(stampFile, digest);
  });
  return collector;
}

async function isHelmCurrent(helm: string): Promise<boolean> {
  if (!existsSync(helm)) return false;
  try {
    const { stdout } = await run(helm, ['version', '--template', '{{.Version}}'], { timeout: 30_000 });
    return parseHelmVersion(stdout) === HELM_VERSION;
  } catch {
    return false;
  }
}

async function runTool(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = PYTHON_INSTALL_TIMEOUT_MS): Promise<void> {
  try {
    await run(command, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    const output = `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed: ${failure.message}\n${output}`);
  }
}

/** The repository root (package.json beside the requirements file), also when run from dist/. */
function findRepoRoot(from: string = __dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, REQUIREMENTS)) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`${REQUIREMENTS} not found above ${from}`);
  }
}
