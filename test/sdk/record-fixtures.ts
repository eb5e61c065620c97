// Re-records test/fixtures/recorded/*.json from the installed @sentry/node and @sentry/browser:
//
//   node test/sdk/run-ts.js test/sdk/record-fixtures.ts [filter ...]
//
// Each filter keeps the fixtures whose name (e.g. node-stream-spans, browser-static-pageload)
// contains it; no filter records everything (about a minute). Also writes summary.json there: the
// item types, headers and attribute names seen per fixture, to diff after an SDK upgrade.
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '@pulse/local-infra';
import { BROWSER_SCENARIOS, runBrowserScenario } from './browser-scenarios';
import { NODE_SCENARIOS, SdkMode, runNodeScenario } from './node-scenarios';
import { runRecorder } from './recording-session';

const MODES: SdkMode[] = ['stream', 'static'];

runRecorder(async ({ server, wanted, save }) => {
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
});
