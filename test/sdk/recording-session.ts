import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnvelope } from './envelope';
import { summarise } from './fixture-summary';
import { RECORDED_FIXTURES_DIR, toFixtureRequest } from './fixtures';
import { RecordedRequest, RecordingServer, startRecordingServer } from './recording-server';

/**
 * What both recorders (record-fixtures.ts for the JS SDKs, record-native-fixtures.ts for the
 * others) do around their scenarios: keep the fixtures the command line's filters name, run one
 * recording server, write each fixture and its entry of summary.json (sorted, the other entries
 * kept), and exit 0, or 1 with the error.
 */
export interface RecordingSession {
  server: RecordingServer;
  /** True when a filter of the command line is part of the name, or there is no filter. */
  wanted(name: string): boolean;
  /** Writes `<name>.json` and its summary entry, and prints what was recorded. */
  save(name: string, requests: RecordedRequest[]): void;
}

export function runRecorder(record: (session: RecordingSession) => Promise<void>): void {
  recordFixtures(record).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}

async function recordFixtures(record: (session: RecordingSession) => Promise<void>): Promise<void> {
  const filters = process.argv.slice(2);
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
    await record({ server, wanted: (name) => filters.length === 0 || filters.some((filter) => name.includes(filter)), save });
  } finally {
    await server.close();
    const sorted = Object.fromEntries(Object.entries(summaries).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(summaryPath, `${JSON.stringify(sorted, null, 1)}\n`);
  }
}
