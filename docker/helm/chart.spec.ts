import { ensureHelm, ensurePythonTools } from '@pulse/local-infra';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, ChartTools, named, ofKind, plainEnvOf, podOf, Rendered, Values } from './chart-render';

/**
 * The Helm chart (docker/helm/pulse) has never been installed on a cluster here. What is checked:
 * `helm lint --strict`, `helm template` with the defaults and the value sets an operator is likely
 * to use, every rendered object against the Kubernetes API schemas (kubernetes-validate --strict:
 * unknown fields refused) of the oldest version the chart supports and of a current one, and what a
 * reviewer would look for in the objects. helm and the validator are installed into .local/tools on
 * first use (minutes when cold; npm test installs them beforehand).
 */
const INSTALL_TIMEOUT_MS = 20 * 60_000;
const TEST_TIMEOUT_MS = 60_000;
/** Chart.yaml's kubeVersion floor (preStop sleep) and the newest schema kubernetes-validate 1.37.0 bundles. */
const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'];
const PORTS: Record<string, number> = { ingest: 3000, query: 3001, consumer: 3002, alerts: 3003 };
const APPS = Object.keys(PORTS);

/** Secrets that must reach the Secret and nothing else. */
const SECRETS = {
  clickhousePassword: 'ch-Pa55word-unique',
  postgresUrl: 'postgres://pulse:pg-Pa55word-unique@db.internal:5432/pulse',
  token: 'query-token-unique-0123456789abcdef',
};
const WITH_SECRETS: Values = {
  clickhouse: { password: SECRETS.clickhousePassword },
  postgres: { url: SECRETS.postgresUrl },
  pulseConfig: { projects: [{ id: 7, name: 'shop', keys: ['0123456789abcdef0123456789abcdef'] }], tokens: [{ token: SECRETS.token, projects: [7] }] },
};

const VALUE_SETS: Record<string, Values> = {
  defaults: {},
  'with secrets': WITH_SECRETS,
  existingSecret: { existingSecret: 'pulse-credentials' },
  'autoscaling off': { ingest: { autoscaling: { enabled: false }, replicas: 3 }, query: { autoscaling: { enabled: false } } },
  'alerts disabled': { alerts: { enabled: false } },
  'ingress on': {
    ingest: { ingress: { enabled: true, className: 'nginx', hosts: [{ host: 'ingest.example.org', paths: [{ path: '/', pathType: 'Prefix' }] }], tls: [{ secretName: 'ingest-tls', hosts: ['ingest.example.org'] }] } },
    query: { ingress: { enabled: true, hosts: [{ host: 'api.example.org', paths: [{ path: '/api', pathType: 'Prefix' }] }] } },
  },
  'cluster mode': { clickhouse: { cluster: 'pulse_cluster' } },
  'service account': { serviceAccount: { create: true, annotations: { 'iam.example.org/role': 'pulse' } } },
};

let tools: ChartTools;
const rendered = new Map<string, Rendered>();

beforeAll(async () => {
  const log = (line: string): void => console.log(`chart.spec: ${line}`);
  const [helm, python] = await Promise.all([ensureHelm(log), ensurePythonTools(log)]);
  tools = new ChartTools(helm, python.bin('kubernetes-validate'));
  for (const [name, values] of Object.entries(VALUE_SETS)) rendered.set(name, await tools.render(values));
}, INSTALL_TIMEOUT_MS);

afterAll(() => tools?.dispose());

function renderedWith(name: keyof typeof VALUE_SETS): Rendered {
  const result = rendered.get(name);
  if (!result) throw new Error(`value set ${name} was not rendered`);
  return result;
}

describe('the Pulse Helm chart', () => {
  it.each(Object.keys(VALUE_SETS))('passes helm lint --strict with the %s values', async (name) => {
    expect(await tools.lint(VALUE_SETS[name])).toContain('0 chart(s) failed');
  }, TEST_TIMEOUT_MS);

  it.each(Object.keys(VALUE_SETS).flatMap((name) => KUBERNETES_VERSIONS.map((version) => [name, version])))(
    'renders %s values that Kubernetes %s accepts (strict schemas)',
    async (name, version) => {
      const result = await tools.validate(renderedWith(name).text, version);
      expect(result.output).not.toMatch(/ERROR|failed/);
      expect(result.ok).toBe(true);
    },
    TEST_TIMEOUT_MS,
  );

  it('has a validator that refuses an unknown field (the check above can fail)', async () => {
    const broken = renderedWith('defaults').text.replace('revisionHistoryLimit: 5', 'revisionHistoryLimit: 5\n  replicaCount: 2');
    const result = await tools.validate(broken, '1.37.0');
    expect(result.ok).toBe(false);
    expect(result.output).toContain('replicaCount');
  }, TEST_TIMEOUT_MS);

  it('runs every app with both probes on its own port, resources, non-root and a read-only root', () => {
    const deployments = ofKind(renderedWith('defaults'), 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(APPS.map((app) => `pulse-${app}`).sort());
    for (const app of APPS) {
      const { spec } = podOf(named(renderedWith('defaults'), 'Deployment', `pulse-${app}`));
      const [container] = spec.containers;
      expect(container.ports).toEqual([{ name: 'http', containerPort: PORTS[app], protocol: 'TCP' }]);
      expect(plainEnvOf(renderedWith('defaults'), container)[`${app.toUpperCase()}_PORT`]).toBe(String(PORTS[app]));
      expect(container.startupProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
      for (const bound of ['requests', 'limits'] as const) {
        expect(Object.keys(container.resources?.[bound] ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
      expect(container.image).toBe(`pulse-${app}:0.1.0`);
    }
  });

  it('gives each app the environment sections its config loader reads and no others', () => {
    const env = (app: string): Record<string, string> =>
      plainEnvOf(renderedWith('defaults'), podOf(named(renderedWith('defaults'), 'Deployment', `pulse-${app}`)).spec.containers[0]);
    expect(env('ingest')).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', INGEST_WORKERS: '1', PULSE_HOST: '0.0.0.0' });
    expect(env('ingest')).not.toHaveProperty('CLICKHOUSE_URL');
    expect(env('query')).toMatchObject({ CLICKHOUSE_URL: 'http://clickhouse:8123', CLICKHOUSE_DATABASE: 'pulse' });
    expect(env('query')).not.toHaveProperty('KAFKA_BROKERS');
    for (const app of APPS) expect(env(app).PULSE_CONFIG).toBe('/etc/pulse/pulse-config.json');
    const alerts = podOf(named(renderedWith('defaults'), 'Deployment', 'pulse-alerts')).spec.containers[0];
    expect(alerts.env?.find((variable) => variable.name === 'ALERTS_INSTANCE_ID')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
  });

  it('keeps every secret value in the Secret, never in a ConfigMap or a pod spec', () => {
    const result = renderedWith('with secrets');
    for (const object of result.objects.filter((o) => o.kind !== 'Secret')) {
      const text = JSON.stringify(object);
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    }
    const secret = named(result, 'Secret', 'pulse');
    const decoded = Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    expect(decoded).toMatchObject({ DATABASE_URL: SECRETS.postgresUrl, CLICKHOUSE_PASSWORD: SECRETS.clickhousePassword, CLICKHOUSE_USER: 'default' });
    expect(JSON.parse(decoded['pulse-config.json'])).toEqual(WITH_SECRETS.pulseConfig);
    const query = podOf(named(result, 'Deployment', 'pulse-query')).spec.containers[0];
    expect(query.env?.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'pulse', key: 'DATABASE_URL' });
  });

  it('restarts the pods when the Secret changes (checksum annotation)', () => {
    const checksum = (name: string): string => podOf(named(renderedWith(name), 'Deployment', 'pulse-consumer')).annotations['checksum/secret'];
    expect(checksum('defaults')).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum('with secrets')).not.toBe(checksum('defaults'));
    expect(checksum('cluster mode')).toBe(checksum('defaults'));
  });

  it('uses an existing Secret instead of creating one', () => {
    const result = renderedWith('existingSecret');
    expect(ofKind(result, 'Secret')).toEqual([]);
    for (const object of [...ofKind(result, 'Deployment'), ...ofKind(result, 'Job')]) {
      const { spec } = podOf(object);
      const refs = (spec.containers[0].env ?? []).flatMap((variable) => (variable.valueFrom?.secretKeyRef ? [variable.valueFrom.secretKeyRef.name] : []));
      const volumes = (spec.volumes ?? []).flatMap((volume) => (volume.secret ? [volume.secret.secretName] : []));
      expect([...new Set([...refs, ...volumes])]).toEqual(['pulse-credentials']);
    }
  });

  it('runs the migrations as a pre-install/pre-upgrade hook Job before the apps', () => {
    const job = named(renderedWith('defaults'), 'Job', 'pulse-migrate');
    expect(job.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation',
    });
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 600 });
    const container = podOf(job).spec.containers[0];
    expect(container.command).toEqual(['node', 'dist/scripts/migrate.js', 'up']);
    expect(container.image).toBe('pulse-consumer:0.1.0');
    // Hooks run before the release's own objects exist: the Job's credentials are a hook Secret created first.
    const credentials = named(renderedWith('defaults'), 'Secret', 'pulse-migrate');
    expect(Number(credentials.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations?.['helm.sh/hook-weight']));
    expect(container.envFrom).toBeUndefined();
  });

  it('passes the ClickHouse cluster to the migrations and the apps in cluster mode', () => {
    const result = renderedWith('cluster mode');
    const job = podOf(named(result, 'Job', 'pulse-migrate')).spec.containers[0];
    expect(plainEnvOf(result, job).CLICKHOUSE_CLUSTER).toBe('pulse_cluster');
    for (const app of ['consumer', 'query', 'alerts']) expect(named(result, 'ConfigMap', `pulse-${app}`).data?.CLICKHOUSE_CLUSTER).toBe('pulse_cluster');
    expect(plainEnvOf(renderedWith('defaults'), podOf(named(renderedWith('defaults'), 'Job', 'pulse-migrate')).spec.containers[0])).not.toHaveProperty('CLICKHOUSE_CLUSTER');
  });

  it('autoscales ingest and query only, and leaves their replica count to the autoscaler', () => {
    const targets = (name: string): string[] =>
      ofKind(renderedWith(name), 'HorizontalPodAutoscaler').map((hpa) => (hpa.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort();
    expect(targets('defaults')).toEqual(['pulse-ingest', 'pulse-query']);
    expect(named(renderedWith('defaults'), 'Deployment', 'pulse-ingest').spec).not.toHaveProperty('replicas');
    expect(named(renderedWith('defaults'), 'Deployment', 'pulse-alerts').spec?.replicas).toBe(2);
    expect(targets('autoscaling off')).toEqual([]);
    expect(named(renderedWith('autoscaling off'), 'Deployment', 'pulse-ingest').spec?.replicas).toBe(3);
  });

  it('has a PodDisruptionBudget per enabled app, and nothing of a disabled one', () => {
    expect(ofKind(renderedWith('defaults'), 'PodDisruptionBudget')).toHaveLength(4);
    const withoutAlerts = renderedWith('alerts disabled');
    expect(withoutAlerts.objects.filter((o) => o.metadata.name === 'pulse-alerts')).toEqual([]);
    expect(ofKind(withoutAlerts, 'Deployment')).toHaveLength(3);
  });

  it('routes the Ingresses to the ingest and query Services', () => {
    const ingresses = ofKind(renderedWith('ingress on'), 'Ingress');
    expect(ingresses.map((ingress) => ingress.metadata.name).sort()).toEqual(['pulse-ingest', 'pulse-query']);
    expect(named(renderedWith('ingress on'), 'Ingress', 'pulse-ingest').spec).toMatchObject({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'ingest-tls', hosts: ['ingest.example.org'] }],
      rules: [{ host: 'ingest.example.org', http: { paths: [{ path: '/', backend: { service: { name: 'pulse-ingest', port: { name: 'http' } } } }] } }],
    });
    expect(ofKind(renderedWith('defaults'), 'Ingress')).toEqual([]);
  });

  it('creates the ServiceAccount on request and runs the apps under it', () => {
    const result = renderedWith('service account');
    expect(named(result, 'ServiceAccount', 'pulse').metadata.annotations).toEqual({ 'iam.example.org/role': 'pulse' });
    expect(podOf(named(result, 'Deployment', 'pulse-query')).spec.serviceAccountName).toBe('pulse');
    expect(podOf(named(renderedWith('defaults'), 'Deployment', 'pulse-query')).spec.serviceAccountName).toBeUndefined();
  });

  it('documents every value in the README table, and no value that does not exist', () => {
    const defaults = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Values;
    const documented = [...readFileSync(join(CHART_DIR, 'README.md'), 'utf8').matchAll(/^\| `([A-Za-z0-9.]+)` \|/gm)].map((match) => match[1]);
    const leaves = (value: unknown, path: string): string[] =>
      typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
        ? Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key))
        : [path];
    const undocumented = leaves(defaults, '').filter((leaf) => !documented.some((key) => leaf === key || leaf.startsWith(`${key}.`)));
    expect(undocumented).toEqual([]);
    const exists = (path: string): boolean =>
      path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Values)[key] : undefined), defaults) !== undefined;
    expect(documented.filter((key) => !exists(key))).toEqual([]);
  });

  it.each<[string, Values, string]>([
    ['a negative replica count', { ingest: { replicas: -1 } }, "at '/ingest/replicas': minimum"],
    ['a database URL of another kind', { postgres: { url: 'mysql://db/pulse' } }, "at '/postgres/url'"],
    ['a broker without a port', { kafka: { brokers: ['kafka'] } }, "at '/kafka/brokers/0'"],
    ['a misspelt key', { query: { replica: 2 } }, "additional properties 'replica' not allowed"],
    ['a secret in an app env', { consumer: { env: { CLICKHOUSE_PASSWORD: 'x' } } }, "at '/consumer/env/CLICKHOUSE_PASSWORD'"],
    ['a cluster name that is not an identifier', { clickhouse: { cluster: 'my cluster' } }, "at '/clickhouse/cluster'"],
    ['an unparseable CPU quantity', { alerts: { resources: { limits: { cpu: 'lots' } } } }, "at '/alerts/resources/limits/cpu'"],
    ['a configuration without projects', { pulseConfig: { projects: [], tokens: [] } }, "at '/pulseConfig/projects': minItems"],
  ])('refuses %s with a message naming the value', async (_case, values, message) => {
    const refusal = await tools.refusal(values);
    expect(refusal).toContain("values don't meet the specifications of the schema");
    expect(refusal).toContain(message);
  }, TEST_TIMEOUT_MS);
});
