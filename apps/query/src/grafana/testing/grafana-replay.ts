/**
 * What Grafana and the JSON datasource plugin (simpod-json-datasource 0.6.5, src/DataSource.ts)
 * send for a dashboard, rebuilt from the dashboard JSON, so the tests can replay a dashboard's
 * requests without a Grafana server:
 *
 * - a panel's POST /query body is Grafana's DataQueryRequest (range as ISO strings with its raw
 *   text, interval and intervalMs from rangeUtil.calculateInterval, maxDataPoints = the panel's
 *   width in pixels, scopedVars, requestId, app, timezone, panel and dashboard ids, the ad-hoc
 *   `filters`) with the plugin's processTargets applied: targets without `target` dropped, the
 *   target interpolated with the `regex` variable format, a code-mode payload string interpolated
 *   with the `json` format (cleanMatch) and parsed, a builder-mode payload's values interpolated
 *   with the `regex` format;
 * - an annotation's body is what Grafana's executeAnnotationQuery sends: the annotation's target
 *   with refId `Anno`, maxDataPoints = the window width;
 * - a template variable's body is the plugin's MetricFindQuery: `{payload: {target}, range}`.
 *
 * Test support only; nothing in the app uses it.
 */

export interface DashboardTarget {
  refId: string;
  target?: string;
  payload?: string | Record<string, unknown>;
  editorMode?: 'code' | 'builder';
  hide?: boolean;
  datasource?: unknown;
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { w: number; h: number; x: number; y: number };
  maxDataPoints?: number;
  interval?: string;
  targets?: DashboardTarget[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  query: { query: string; format: 'string' | 'json' };
  allValue?: string;
  includeAll?: boolean;
}

export interface DashboardAnnotation {
  name: string;
  enable: boolean;
  datasource?: { type?: string; uid?: string };
  target?: DashboardTarget;
}

export interface Dashboard {
  uid: string;
  title: string;
  time: { from: string; to: string };
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
  annotations: { list: DashboardAnnotation[] };
}

/** A variable's current value; `$__all` is the All option. */
export type VariableValues = Record<string, string>;
export const ALL = '$__all';

export interface ReplayRange {
  fromMs: number;
  toMs: number;
  raw: { from: string; to: string };
}

/** `now-6h` … `now` as Grafana resolves it at `nowMs`. */
export function resolveRange(time: { from: string; to: string }, nowMs: number): ReplayRange {
  const resolve = (text: string): number => {
    if (text === 'now') return nowMs;
    const match = /^now-(\d+)([smhdw])$/.exec(text);
    if (!match) throw new Error(`replay: unsupported time ${text}`);
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return nowMs - Number(match[1]) * unit;
  };
  return { fromMs: resolve(time.from), toMs: resolve(time.to), raw: time };
}

/** Grafana's kbn.roundInterval: the interval rangeUtil.calculateInterval picks for span / maxDataPoints. */
export function roundInterval(ms: number): number {
  const steps: Array<[number, number]> = [
    [10, 1], [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
    [12_500, 10_000], [17_500, 15_000], [25_000, 20_000], [45_000, 30_000], [90_000, 60_000], [210_000, 120_000], [450_000, 300_000],
    [750_000, 600_000], [1_050_000, 900_000], [1_500_000, 1_200_000], [2_700_000, 1_800_000], [5_400_000, 3_600_000], [9_000_000, 7_200_000],
    [16_200_000, 10_800_000], [32_400_000, 21_600_000], [86_400_000, 43_200_000], [604_800_000, 86_400_000], [1_814_400_000, 604_800_000],
  ];
  return steps.find(([below]) => ms < below)?.[1] ?? 2_592_000_000;
}

/** Grafana's interval text for a width, e.g. 30000 → `30s`. */
export function intervalText(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Replaces `$name` and `${name}` like templateSrv.replace with the given format. */
function interpolate(text: string, values: VariableValues, variables: DashboardVariable[], format: 'regex' | 'json'): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string | undefined, plain: string | undefined) => {
    const name = braced ?? plain ?? '';
    const variable = variables.find((v) => v.name === name);
    if (!variable || values[name] === undefined) return match;
    const value = values[name];
    // A custom All value is not formatted (templateSrv skips formatting of custom all values).
    if (value === ALL && variable.allValue) return variable.allValue;
    if (value === ALL) throw new Error('replay: All without a custom allValue is not modelled');
    return format === 'regex' ? value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&') : JSON.stringify(value);
  });
}

/** The plugin's processPayload. */
export function processPayload(payload: DashboardTarget['payload'], editorMode: DashboardTarget['editorMode'], values: VariableValues, variables: DashboardVariable[]): Record<string, unknown> {
  try {
    if (typeof payload === 'string' && editorMode !== 'builder') {
      if (payload.trim() === '') return {};
      // cleanMatch: json-formatted values lose their quotes when they are a JSON string.
      const replaced = payload.replace(/\$\{\w+\}|\$\w+/g, (match) => {
        const value = interpolate(match, values, variables, 'json');
        return value.startsWith('"') && value.endsWith('"') ? (JSON.parse(value) as string) : value;
      });
      return JSON.parse(replaced) as Record<string, unknown>;
    }
    const object = typeof payload === 'string' ? (JSON.parse(payload) as Record<string, unknown>) : { ...(payload ?? {}) };
    for (const [key, value] of Object.entries(object)) {
      object[key] = Array.isArray(value) ? value.map((item) => interpolate(String(item), values, variables, 'regex')) : interpolate(String(value), values, variables, 'regex');
    }
    return object;
  } catch {
    return {};
  }
}

function processTargets(targets: DashboardTarget[], values: VariableValues, variables: DashboardVariable[]): Array<Record<string, unknown>> {
  return targets
    .filter((target) => target.target !== undefined)
    .map((target) => ({
      ...target,
      payload: processPayload(target.payload ?? '', target.editorMode, values, variables),
      target: interpolate(target.target as string, values, variables, 'regex'),
    }));
}

export interface AdhocFilter {
  key: string;
  operator: string;
  value: string;
}

/** A panel's POST /query body. */
export function panelQuery(dashboard: Dashboard, panel: DashboardPanel, range: ReplayRange, values: VariableValues, filters: AdhocFilter[] = []): Record<string, unknown> {
  const maxDataPoints = panel.maxDataPoints ?? Math.round((panel.gridPos.w / 24) * 1800);
  const intervalMs = roundInterval((range.toMs - range.fromMs) / maxDataPoints);
  const interval = intervalText(intervalMs);
  const variables = dashboard.templating.list;
  return {
    app: 'dashboard',
    requestId: `SQR${panel.id}`,
    timezone: 'browser',
    panelId: panel.id,
    panelName: panel.title,
    panelPluginId: panel.type,
    dashboardUID: dashboard.uid,
    range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), raw: range.raw },
    interval,
    intervalMs,
    maxDataPoints,
    targets: processTargets(panel.targets ?? [], values, variables),
    scopedVars: {
      __interval: { text: interval, value: interval },
      __interval_ms: { text: String(intervalMs), value: intervalMs },
      ...Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { selected: false, text: value === ALL ? 'All' : value, value }])),
    },
    startTime: range.toMs,
    rangeRaw: range.raw,
    filters,
  };
}

/** An annotation's POST /query body (executeAnnotationQuery). */
export function annotationQuery(dashboard: Dashboard, annotation: DashboardAnnotation, range: ReplayRange, values: VariableValues, windowWidth = 1920): Record<string, unknown> {
  const intervalMs = roundInterval((range.toMs - range.fromMs) / windowWidth);
  const interval = intervalText(intervalMs);
  const target = { ...(annotation.target as DashboardTarget), refId: 'Anno' };
  return {
    startTime: range.toMs,
    requestId: 'AQ100',
    range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), raw: range.raw },
    maxDataPoints: windowWidth,
    scopedVars: {
      __interval: { text: interval, value: interval },
      __interval_ms: { text: String(intervalMs), value: intervalMs },
      __annotation: { text: annotation.name, value: annotation },
    },
    interval,
    intervalMs,
    app: 'dashboard',
    timezone: 'browser',
    targets: processTargets([target], values, dashboard.templating.list),
    filters: [],
    dashboardUID: dashboard.uid,
  };
}

/** A query variable's POST /variable body (MetricFindQuery.process). */
export function variableQuery(variable: DashboardVariable, range: ReplayRange): Record<string, unknown> {
  const payload = variable.query.format === 'json' ? (JSON.parse(variable.query.query) as Record<string, unknown>) : { target: variable.query.query };
  return { payload, range: { from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), raw: range.raw } };
}
