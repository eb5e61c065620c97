/**
 * DateTime64(3) text in UTC, `YYYY-MM-DD hh:mm:ss.sss`: the one format JSONEachRow parses the same
 * way under every date_time_input_format setting.
 */
export function toDateTime64(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}

/** toDateTime64 of a time that may be missing, for a Nullable(DateTime64(3)) column. */
export function toNullableDateTime64(epochMs: number | null | undefined): string | null {
  return epochMs === null || epochMs === undefined ? null : toDateTime64(epochMs);
}
