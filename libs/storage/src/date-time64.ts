/**
 * DateTime64(3) text in UTC, `YYYY-MM-DD hh:mm:ss.sss`: the one format JSONEachRow parses the same
 * way under every date_time_input_format setting.
 */
export function toDateTime64(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
}
