import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { lastLines } from '../background-process';
import { KAFKA_SCALA_VERSION, KAFKA_VERSION, LIBS_MARKER_FILE } from './kafka-config';

export interface KafkaResources {
  /** The repository root: the default jar cache lives in its `.local/`. */
  repoRoot: string;
  /** The Maven build that lists the broker's jars. */
  pomFile: string;
  log4jConfig: string;
}

/**
 * The repository files LocalKafka needs, found by looking upwards from `from`. scripts/copy-assets.js
 * copies them under dist/ as well; the root is the folder that also has package.json, so code run
 * from dist/ shares the repository's jar cache instead of filling one in dist/.local.
 */
export function findKafkaResources(from: string = __dirname): KafkaResources {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const kafkaDir = join(dir, 'libs', 'local-infra', 'kafka');
    if (existsSync(join(kafkaDir, 'pom.xml')) && existsSync(join(dir, 'package.json'))) {
      return { repoRoot: dir, pomFile: join(kafkaDir, 'pom.xml'), log4jConfig: join(kafkaDir, 'log4j.properties') };
    }
    if (dirname(dir) === dir) {
      throw new Error(`LocalKafka: libs/local-infra/kafka/pom.xml not found above ${from}`);
    }
  }
}

/** True when `libsDir` holds a finished copy of the jars of `version`. */
export function isLibsDirComplete(libsDir: string, version: string = KAFKA_VERSION): boolean {
  try {
    return (
      readFileSync(join(libsDir, LIBS_MARKER_FILE), 'utf8').trim() === version &&
      existsSync(join(libsDir, `kafka_${KAFKA_SCALA_VERSION}-${version}.jar`))
    );
  } catch {
    return false;
  }
}

/**
 * Checks that Java is there and fetches the broker jars of KAFKA_VERSION from Maven Central into
 * `libsDir`, unless it already holds them.
 */
export async function installKafkaJars(opts: { libsDir: string; pomFile: string; log: (line: string) => void }): Promise<void> {
  const { libsDir, pomFile, log } = opts;
  await checkCommand(javaCommand(), ['-version'], 'Java 17 (`java`) is needed to run the local Kafka broker: install a JRE (e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME');
  if (isLibsDirComplete(libsDir)) return;
  await checkCommand('mvn', ['-v'], 'Maven (`mvn`) is needed once to fetch the Kafka jars from Maven Central: install it (e.g. apt-get install maven)');

  log(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central (first run only)`);
  // Copy into a private folder and rename it into place, so an interrupted or concurrent run
  // never leaves a half-filled libs folder behind the marker.
  const partial = `${libsDir}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(dirname(libsDir), { recursive: true });
  try {
    const res = await runCommand('mvn', [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      pomFile,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${partial}`,
      `-Dkafka.version=${KAFKA_VERSION}`,
    ]);
    if (res.code !== 0) {
      throw new Error(`mvn dependency:copy-dependencies failed (exit ${res.code}):\n${lastLines(res.output, 30)}`);
    }
    if (!existsSync(join(partial, `kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar`))) {
      throw new Error(`mvn finished but kafka_${KAFKA_SCALA_VERSION}-${KAFKA_VERSION}.jar is not in ${partial}`);
    }
    writeFileSync(join(partial, LIBS_MARKER_FILE), `${KAFKA_VERSION}\n`);
    if (isLibsDirComplete(libsDir)) return; // another process finished first
    rmSync(libsDir, { recursive: true, force: true });
    renameSync(partial, libsDir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** `$JAVA_HOME/bin/java` when it exists, else `java` from the PATH. */
export function javaCommand(): string {
  const home = process.env.JAVA_HOME;
  if (home) {
    const java = join(home, 'bin', 'java');
    if (existsSync(java)) return java;
  }
  return 'java';
}

/** Runs a short command to completion, stdout and stderr collected together. */
export function runCommand(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolveRun({ code: code ?? (signal ? 128 : 1), output: Buffer.concat(chunks).toString('utf8') }),
    );
  });
}

async function checkCommand(command: string, args: string[], missing: string): Promise<void> {
  try {
    const res = await runCommand(command, args);
    if (res.code !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${res.code}): ${lastLines(res.output, 5)}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`LocalKafka: ${command} not found. ${missing}.`);
    throw err;
  }
}
