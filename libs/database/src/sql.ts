/**
 * SQL for a timestamptz formatted by Postgres exactly as Date#toISOString() prints the value pg would parse
 * (UTC, milliseconds truncated; checked on every microsecond of a second, for years 1–9999). Hot list routes
 * select it instead of parsing each timestamp into a Date and printing it again (~1.5 µs each, 40 per page).
 * `column` must be a column reference written in code, never input.
 */
export const isoTimestampSql = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
