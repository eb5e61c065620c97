/**
 * What chart.spec.ts needs to look at the Helm chart without a cluster: `helm template` of the
 * chart with a set of values, the rendered documents parsed and typed as far as the assertions
 * reach, `helm lint --strict`, and `kubernetes-validate --strict` (the API schemas of a Kubernetes
 * version, unknown fields refused) from the project's Python venv.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';

export const CHART_DIR = resolve(__dirname, 'pulse');
const run = promisify(execFile);

export interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}
export interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  terminationGracePeriodSeconds?: number;
  serviceAccountName?: string;
  volumes?: { name: string; secret?: { secretName: string } }[];
}
/** One rendered object; `spec` and `data` are typed by the helpers that read them. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
export interface Rendered {
  text: string;
  objects: K8sObject[];
}

/** Values as helm takes them from a -f file. */
export type Values = Record<string, unknown>;

export class ChartTools {
  private readonly workDir = mkdtempSync(join(tmpdir(), 'pulse-chart-'));
  private files = 0;

  constructor(
    private readonly helm: string,
    private readonly kubernetesValidate: string,
  ) {}

  /** `helm template` with these values; throws with helm's message when it refuses them. */
  async render(values: Values = {}): Promise<Rendered> {
    const { stdout } = await this.helmRun(['template', 'pulse', CHART_DIR, '--namespace', 'pulse', '-f', this.valuesFile(values)]);
    const objects = parseAllDocuments(stdout)
      .map((document) => document.toJS() as K8sObject | null)
      .filter((object): object is K8sObject => object !== null);
    return { text: stdout, objects };
  }

  /** helm's error message for values it must refuse; throws if it renders them. */
  async refusal(values: Values): Promise<string> {
    try {
      await this.helmRun(['template', 'pulse', CHART_DIR, '-f', this.valuesFile(values)]);
    } catch (error) {
      return (error as { stderr?: string }).stderr ?? String(error);
    }
    throw new Error(`helm rendered values it should refuse: ${JSON.stringify(values)}`);
  }

  async lint(values: Values = {}): Promise<string> {
    const { stdout } = await this.helmRun(['lint', '--strict', CHART_DIR, '-f', this.valuesFile(values)]);
    return stdout;
  }

  /** kubernetes-validate --strict of a multi-document YAML text: ok, and its output either way. */
  async validate(text: string, kubernetesVersion: string): Promise<{ ok: boolean; output: string }> {
    const file = join(this.workDir, `manifests-${++this.files}.yaml`);
    writeFileSync(file, text);
    try {
      const { stdout, stderr } = await run(this.kubernetesValidate, ['--strict', '--quiet', '--kubernetes-version', kubernetesVersion, file]);
      return { ok: true, output: `${stdout}${stderr}` };
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
    }
  }

  dispose(): void {
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private valuesFile(values: Values): string {
    const file = join(this.workDir, `values-${++this.files}.yaml`);
    writeFileSync(file, stringify(values));
    return file;
  }

  private helmRun(args: string[]): Promise<{ stdout: string; stderr: string }> {
    // Helm's own state (plugins, repositories, cache) in the temporary folder, not the user's home.
    const env = { ...process.env, HELM_CACHE_HOME: join(this.workDir, 'cache'), HELM_CONFIG_HOME: join(this.workDir, 'config'), HELM_DATA_HOME: join(this.workDir, 'data') };
    return run(this.helm, args, { env, maxBuffer: 16 * 1024 * 1024 });
  }
}

export function ofKind(rendered: Rendered, kind: string): K8sObject[] {
  return rendered.objects.filter((object) => object.kind === kind);
}

export function named(rendered: Rendered, kind: string, name: string): K8sObject {
  const found = rendered.objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in: ${rendered.objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

/** The pod template of a Deployment or Job. */
export function podOf(object: K8sObject): { annotations: Record<string, string>; spec: PodSpec } {
  const template = (object.spec as { template: { metadata?: { annotations?: Record<string, string> }; spec: PodSpec } }).template;
  return { annotations: template.metadata?.annotations ?? {}, spec: template.spec };
}

/** Every environment value a container gets: inline values and the data of its ConfigMaps. */
export function plainEnvOf(rendered: Rendered, container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, named(rendered, 'ConfigMap', source.configMapRef.name).data);
  }
  for (const variable of container.env ?? []) if (variable.value !== undefined) env[variable.name] = variable.value;
  return env;
}
