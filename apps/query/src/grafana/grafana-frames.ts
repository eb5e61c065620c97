/**
 * The response shapes of POST /query that the JSON datasource turns into Grafana data frames
 * (Grafana's `toDataFrame`): a time series `{target, datapoints: [[value, epoch_ms], …]}` or a
 * table `{type: 'table', columns: [{text, type}], rows}`. Column types are Grafana field types
 * (`time`, `number`, `string`); a `time` column holds epoch milliseconds.
 */

export type Datapoint = [number | null, number];

export interface TimeSeriesFrame {
  target: string;
  datapoints: Datapoint[];
  refId?: string;
}

export type ColumnType = 'time' | 'number' | 'string';

export interface TableColumn {
  text: string;
  type: ColumnType;
}

export type Cell = number | string | null;

export interface TableFrame {
  type: 'table';
  columns: TableColumn[];
  rows: Cell[][];
  refId?: string;
}

export type GrafanaFrame = TimeSeriesFrame | TableFrame;

/** NaN and infinities are not JSON numbers: they become null, like missing values. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * A series' display name: the metric, then the payload filters and split keys that tell it apart
 * from the other series of a panel, e.g. `p95 release=1.4.0`.
 */
export function seriesName(metric: string, labels: Record<string, string | undefined> = {}): string {
  const parts = Object.entries(labels)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${value}`);
  return [metric, ...parts].join(' ');
}

/** Points `{t, …}` of a service series → datapoints of one field; missing values stay null. */
export function timeSeries<P extends { t: number }>(target: string, points: readonly P[], value: (point: P) => number | null | undefined): TimeSeriesFrame {
  return { target, datapoints: points.map((point) => [finiteOrNull(value(point)), point.t]) };
}

/** A table from column definitions and objects: each column reads the row key of its name unless `get` says otherwise. */
export interface ColumnSpec<R> {
  text: string;
  type: ColumnType;
  get?: (row: R) => Cell | undefined;
}

export function table<R>(columns: readonly ColumnSpec<R>[], rows: readonly R[]): TableFrame {
  return {
    type: 'table',
    columns: columns.map(({ text, type }) => ({ text, type })),
    rows: rows.map((row) =>
      columns.map((column) => {
        const value = column.get ? column.get(row) : (row as Record<string, unknown>)[column.text];
        if (value === undefined || value === null) return null;
        if (typeof value === 'number') return finiteOrNull(value);
        return typeof value === 'string' ? value : String(value);
      }),
    ),
  };
}

/** Tags each frame with the refId of the query it answers (Grafana's transformations refer to it). */
export function withRefId(frames: GrafanaFrame[], refId: string | undefined): GrafanaFrame[] {
  return refId === undefined ? frames : frames.map((frame) => ({ ...frame, refId }));
}
