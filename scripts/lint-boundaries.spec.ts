import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * The package boundaries of eslint.config.mjs ("Boundaries"), checked on small sources linted as
 * if they stood at the given path: each forbidden direction must fail the lint, and its allowed
 * neighbour must pass, so a rule that stops matching (a renamed folder, a typo in a pattern) is
 * seen here and not only when someone breaks the boundary.
 */
const ROOT = resolve(__dirname, '..');
const ESLINT = resolve(ROOT, 'node_modules', '.bin', 'eslint');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** The no-restricted-imports findings for `imports` (module names) in a file at `filePath`. */
function restrictedImports(filePath: string, imports: string[]): string[] {
  const source = imports.map((name, i) => `import * as m${i} from '${name}';`).join('\n') + `\nexport const all = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`;
  let output: string;
  try {
    output = execFileSync(ESLINT, ['--no-warn-ignored', '--format', 'json', '--stdin', '--stdin-filename', filePath], { cwd: ROOT, input: source, encoding: 'utf8' });
  } catch (error) {
    // eslint exits 1 when it reports errors; its JSON is on stdout all the same.
    output = (error as { stdout: string }).stdout;
  }
  const [result] = JSON.parse(output) as Array<{ messages: LintMessage[] }>;
  const other = result.messages.filter((m) => m.ruleId !== 'no-restricted-imports');
  if (other.length > 0) throw new Error(`unexpected lint findings: ${other.map((m) => m.message).join('; ')}`);
  return result.messages.map((m) => /'([^']+)' import is restricted/.exec(m.message)?.[1] ?? m.message);
}

describe('package boundaries (eslint.config.mjs)', () => {
  it('keeps protocol and model free of I/O, frameworks and the libraries above them', () => {
    expect(restrictedImports('libs/model/src/example.ts', ['node:fs', 'kafkajs', '@nestjs/common', '@pulse/kafka', '@pulse/storage', '@pulse/model', '@pulse/protocol', 'node:crypto'])).toEqual([
      'node:fs',
      'kafkajs',
      '@nestjs/common',
      '@pulse/kafka',
      '@pulse/storage',
      '@pulse/model',
    ]);
    expect(restrictedImports('libs/protocol/src/example.ts', ['node:zlib', 'node:http', '@pulse/model'])).toEqual(['node:http', '@pulse/model']);
  });

  it('holds each library to the libraries it may depend on', () => {
    expect(restrictedImports('libs/kafka/src/example.ts', ['@pulse/model', '@pulse/storage', '@pulse/analytics'])).toEqual(['@pulse/storage', '@pulse/analytics']);
    expect(restrictedImports('libs/analytics/src/example.ts', ['@pulse/storage', '@pulse/sql-query', '@pulse/platform'])).toEqual(['@pulse/sql-query', '@pulse/platform']);
    expect(restrictedImports('libs/sql-query/src/example.ts', ['@pulse/analytics', '@pulse/storage'])).toEqual([]);
  });

  it('keeps tooling out of runtime code, and lets tests use it', () => {
    expect(restrictedImports('apps/ingest/src/example.ts', ['@pulse/loadgen', '@pulse/testing', '@pulse/storage/testing', '@pulse/local-infra', '@pulse/kafka'])).toEqual([
      '@pulse/loadgen',
      '@pulse/testing',
      '@pulse/storage/testing',
      '@pulse/local-infra',
    ]);
    expect(restrictedImports('libs/storage/src/example.ts', ['@pulse/testing/fixtures'])).toEqual(['@pulse/testing/fixtures']);
    expect(restrictedImports('apps/ingest/src/example.spec.ts', ['@pulse/testing', '@pulse/testing/fixtures', '@pulse/storage/testing'])).toEqual([]);
    expect(restrictedImports('libs/testing/src/example.ts', ['@pulse/local-infra', '@pulse/kafka'])).toEqual([]);
  });

  it('refuses paths into another package, from anywhere', () => {
    expect(restrictedImports('libs/storage/src/example.ts', ['../../kafka/src/topics', './row-writer'])).toEqual(['../../kafka/src/topics']);
    expect(restrictedImports('libs/analytics/src/example.spec.ts', ['../../../test/support/e2e-stack'])).toEqual(['../../../test/support/e2e-stack']);
    expect(restrictedImports('scripts/example.ts', ['../libs/kafka/src/topics', '@pulse/kafka/src/topics', '@pulse/loadgen'])).toEqual(['../libs/kafka/src/topics', '@pulse/kafka/src/topics']);
    expect(restrictedImports('test/example.e2e-spec.ts', ['../scripts/bench/prometheus', './support/e2e-stack'])).toEqual(['../scripts/bench/prometheus']);
  });
});
