import { ensureOtelCollector } from '@pulse/local-infra';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * collector.yaml is the one Collector configuration: docs/otlp.md quotes it whole and
 * test/otlp-collector.e2e-spec.ts runs it. Here: the doc's copy is the file byte for byte, and
 * the Collector itself (`otelcol-pulse validate`, which resolves the variables, decodes every
 * component's settings and checks the pipelines) accepts the file and refuses broken copies.
 */
const folder = __dirname;
const root = resolve(folder, '..', '..');
const CONFIG = join(folder, 'collector.yaml');
const DOC = join(root, 'docs', 'otlp.md');
const SECTION = '## Sending through an OpenTelemetry Collector';
/** The first build compiles the Collector (about 3 minutes here); then it is a stamp check. */
const BUILD_TIMEOUT_MS = 900_000;
const run = promisify(execFile);

/** The first ```yaml block of the doc's Collector section. */
function quotedConfig(doc: string): string {
  const section = doc.indexOf(SECTION);
  if (section < 0) throw new Error(`docs/otlp.md has no "${SECTION}"`);
  const match = /```yaml\n([\s\S]*?)```\n/.exec(doc.slice(section));
  if (!match) throw new Error(`docs/otlp.md's "${SECTION}" quotes no yaml block`);
  return match[1];
}

describe('docker/otel-collector/collector.yaml', () => {
  it('is what docs/otlp.md shows, byte for byte', () => {
    expect(quotedConfig(readFileSync(DOC, 'utf8'))).toBe(readFileSync(CONFIG, 'utf8'));
  });

  describe('checked by the Collector it is for', () => {
    let collector = '';
    let scratch = '';
    let copies = 0;
    const validate = (config: string, env: Record<string, string>) =>
      run(collector, ['validate', '--config', config], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
    const variables = { PULSE_OTLP_ENDPOINT: 'https://pulse.example.com/api/7/integration/otlp/v1/traces', PULSE_DSN_KEY: 'a'.repeat(32) };
    /** collector.yaml with `from` replaced by `to` (which must occur once), written to the scratch folder. */
    const brokenCopy = (from: string, to: string): string => {
      const text = readFileSync(CONFIG, 'utf8');
      expect(text.split(from)).toHaveLength(2);
      copies += 1;
      const path = join(scratch, `collector-${copies}.yaml`);
      writeFileSync(path, text.replace(from, to));
      return path;
    };

    beforeAll(async () => {
      collector = await ensureOtelCollector((line) => console.log(`[otel collector] ${line}`));
      scratch = mkdtempSync(join(tmpdir(), 'pulse-collector-'));
    }, BUILD_TIMEOUT_MS);
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('accepts the file with its variables set', async () => {
      await expect(validate(CONFIG, variables)).resolves.toBeDefined();
    });

    it('refuses a copy with an exporter setting it does not know', async () => {
      await expect(validate(brokenCopy('encoding: proto', 'encodings: proto'), variables)).rejects.toThrow(/encodings/);
    });

    it('refuses a copy whose pipeline names an exporter that is not configured', async () => {
      await expect(validate(brokenCopy('exporters: [otlp_http/pulse]', 'exporters: [otlp_http/other]'), variables)).rejects.toThrow(/otlp_http\/other/);
    });

    it('refuses the file without the endpoint variable', async () => {
      await expect(validate(CONFIG, { PULSE_DSN_KEY: variables.PULSE_DSN_KEY })).rejects.toThrow(/traces_endpoint|endpoint/);
    });
  });
});
