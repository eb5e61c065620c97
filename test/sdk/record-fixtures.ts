// Re-records test/fixtures/recorded/*.json from the installed @sentry/node and @sentry/browser:
//
//   node test/sdk/run-ts.js test/sdk/record-fixtures.ts [filter ...]
//
// Each filter keeps the fixtures whose name (e.g. node-stream-spans, browser-static-pageload)
// contains it; no filter records everything (about a minute). Also writes summary.json there: the
// item types, headers and attribute names seen per fixture, to diff after an SDK upgrade.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_PATH } from '@pulse/local-infra';
import { BROWSER_SCENARIOS, runBrowserScenario } from './browser-scenarios';
import { parseEnvelope } from './envelope';
import { RECORDED_FIXTURES_DIR, toFixtureRequest } from './fixtures';
import { NODE_SCENARIOS, SdkMode, runNodeScenario } from './node-scenarios';
import { summarise } from './fixture-summary';
import { RecordedRequest, startRecordingServer } from './recording-server';

const MODES: SdkMode[] = ['stream', 'static'];

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const wanted = (name: string): boolean => filters.length === 0 || filters.some((filter) => name.includes(filter));
  mkdirSync(RECORDED_FIXTURES_DIR, { recursive: true });
  const summaryPath = join(RECORDED_FIXTURES_DIR, 'summary.json');
  const summaries: Record<string, unknown> = existsSync(summaryPath) ? JSON.parse(readFileSync(summaryPath, 'utf8')) : {};
  const server = await startRecordingServer();
  const save = (name: string, requests: RecordedRequest[]): void => {
    writeFileSync(join(RECORDED_FIXTURES_DIR, `${name}.json`), `${JSON.stringify(requests.map(toFixtureRequest), null, 1)}\n`);
    summaries[name] = summarise(requests);
    const items = requests.flatMap((request) => {
      try {
        return parseEnvelope(request.body).items.map((item) => item.header.type);
      } catch {
        return [request.method];
      }
    });
    console.log(`recorded ${name}: ${requests.length} requests [${items.join(', ')}]`);
  };
  try {
    for (const mode of MODES) {
      for (const scenario of NODE_SCENARIOS) {
        const name = `node-${mode}-${scenario}`;
        if (!wanted(name)) continue;
        const run = await runNodeScenario(server, scenario, mode);
        if (run.timedOut) throw new Error(`${name}: the scenario process timed out\n${run.stderr}`);
        if (run.exitCode !== 0 && scenario !== 'crash') throw new Error(`${name}: exit code ${run.exitCode}\n${run.stderr}`);
        save(name, run.requests);
      }
    }
    for (const mode of MODES) {
      for (const scenario of BROWSER_SCENARIOS) {
        const name = `browser-${mode}-${scenario}`;
        if (!wanted(name)) continue;
        if (!existsSync(CHROMIUM_PATH)) throw new Error(`${name}: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
        const run = await runBrowserScenario(server, scenario, mode);
        save(name, run.requests);
      }
    }
  } finally {
    await server.close();
    const sorted = Object.fromEntries(Object.entries(summaries).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(summaryPath, `${JSON.stringify(sorted, null, 1)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
