/**
 * Structured logs: one JSON object per line. Callers pass fields, never DICOM values,
 * passwords or tokens; the request log names routes by pattern, not by path, because batch
 * paths are user file names.
 */
import type { LogLevel } from "../config/server_config.ts";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Fields of one log line. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** Writes a line at a level; lines below the configured level are dropped. */
export type Logger = (level: LogLevel, msg: string, fields?: LogFields) => void;

/** A logger writing JSON lines to `sink` (stdout by default) at `minLevel` and above. */
export function createLogger(
  minLevel: LogLevel,
  sink: (line: string) => void = (line) => console.log(line),
  clock: () => number = Date.now,
): Logger {
  return (level, msg, fields = {}) => {
    if (RANK[level] < RANK[minLevel]) return;
    sink(JSON.stringify({ time: new Date(clock()).toISOString(), level, msg, ...fields }));
  };
}
