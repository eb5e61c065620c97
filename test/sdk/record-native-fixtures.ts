// Records test/fixtures/recorded/<sdk>-<scenario>.json from the official Python, Go, Java and
// Rust Sentry SDKs (versions pinned in test/sdk/scenarios/<sdk>/):
//
//   node test/sdk/run-ts.js test/sdk/record-native-fixtures.ts [filter ...]
//
// Each filter keeps the fixtures whose name (e.g. python-errors, rust) contains it; no filter
// records all four SDKs. Builds each scenario program first (needs python3, go, mvn + java 17,
// cargo), runs one process per scenario and updates summary.json like record-fixtures.ts, then
// rewrites expected-grouping.json for every native recording on disk (see native-grouping.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORDED_FIXTURES_DIR, listNativeFixtures, loadRecordedFixture } from './fixtures';
import { ExpectedGroupingEntry, deriveExpectedGrouping } from './native-grouping';
import { NATIVE_SCENARIOS, NATIVE_SDKS, NativeSdk, UNSUPPORTED_SCENARIOS, runNativeScenario } from './native-scenarios';
import { runRecorder } from './recording-session';

const EXPECTED_GROUPING_FILE = 'expected-grouping.json';

function writeExpectedGrouping(): void {
  const entries: ExpectedGroupingEntry[] = listNativeFixtures().flatMap((name) => {
    const sdk = name.split('-', 1)[0] as NativeSdk;
    return deriveExpectedGrouping(sdk, `${name}.json`, loadRecordedFixture(name));
  });
  writeFileSync(join(RECORDED_FIXTURES_DIR, EXPECTED_GROUPING_FILE), `${JSON.stringify(entries, null, 1)}\n`);
  console.log(`wrote ${EXPECTED_GROUPING_FILE}: ${entries.length} events`);
}

runRecorder(async ({ server, wanted, save }) => {
  for (const sdk of NATIVE_SDKS) {
    for (const scenario of NATIVE_SCENARIOS) {
      const name = `${sdk}-${scenario}`;
      if (!wanted(name) || UNSUPPORTED_SCENARIOS[sdk]?.includes(scenario)) continue;
      const run = await runNativeScenario(server, sdk, scenario);
      if (run.timedOut) throw new Error(`${name}: the scenario process timed out\n${run.stderr}`);
      if (run.exitCode !== 0) throw new Error(`${name}: exit code ${run.exitCode}\n${run.stdout}\n${run.stderr}`);
      if (run.requests.length === 0) throw new Error(`${name}: the SDK sent nothing\n${run.stderr}`);
      save(name, run.requests);
    }
  }
  writeExpectedGrouping();
});
