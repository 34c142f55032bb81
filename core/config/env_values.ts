import { isIP } from "node:net";
import type { LogLevel } from "./server_config.ts";

// Only non-secret variables go through these readers, so quoting the bad value in a message
// helps the operator without leaking anything. Secrets are passed through unvalidated.

/** Parses a decimal integer in [min, max]; `undefined` yields the fallback. */
export function readInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  // A strict pattern: Number() would accept "1e3", "0x10" and " 12 ".
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `${min} to ${max}`;
    throw new RangeError(`${name} must be ${range} (got "${raw}")`);
  }
  return n;
}

/** Splits a comma-separated list, trimming entries and dropping empty ones. */
export function readList(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Reads a list of IPv4/IPv6 addresses or CIDR blocks. */
export function readProxies(name: string, raw: string | undefined): string[] {
  const list = readList(raw);
  for (const entry of list) {
    const [addr, prefix, extra] = entry.split("/");
    const family = isIP(addr);
    const maxPrefix = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined ||
      (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new RangeError(`${name} entry "${entry}" is not an IP address or CIDR block`);
    }
  }
  return list;
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Reads a log level (case-insensitive); defaults to `info`. */
export function readLogLevel(name: string, raw: string | undefined): LogLevel {
  if (raw === undefined) return "info";
  const level = raw.toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new RangeError(`${name} must be one of ${LOG_LEVELS.join(", ")} (got "${raw}")`);
  }
  return level;
}

/** Checks an http(s) URL. The value is not quoted: a URL can carry credentials. */
export function readUrl(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:" && url?.protocol !== "http:") {
    throw new RangeError(`${name} must be an http(s) URL`);
  }
  return raw;
}

/** Reads true/false (also 1/0, yes/no, case-insensitive); `undefined` is false. */
export function readFlag(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const v = raw.toLowerCase();
  if (v === "true" || v === "1" || v === "yes") return true;
  if (v === "false" || v === "0" || v === "no") return false;
  throw new RangeError(`${name} must be true or false (got "${raw}")`);
}
