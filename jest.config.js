// Four projects: `unit` (pure logic, no I/O), `integration` (a real Kafka broker and ClickHouse
// engine, reached through KAFKA_BROKERS / CLICKHOUSE_URL) and `e2e` (the three built apps as
// child processes). scripts/test.ts brings the infrastructure up before jest runs.
const swc = ['@swc/jest', { swcrc: true }];
const moduleNameMapper = {
  '^@pulse/testing/fixtures$': '<rootDir>/libs/testing/src/fixtures',
  '^@pulse/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing',
  '^@pulse/([a-z-]+)$': '<rootDir>/libs/$1/src',
};
const common = { rootDir: __dirname, transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // The deployment files (Helm chart, compose file) checked with helm, the Kubernetes schemas and compose's loader.
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/docker/**/*.spec.ts'] },
  ],
};
