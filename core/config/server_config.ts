import { join } from "node:path";
import {
  readFlag,
  readInteger,
  readList,
  readLogLevel,
  readProxies,
  readUrl,
} from "./env_values.ts";
import {
  DIMSE_ENV_KEYS,
  type DimseConfig,
  type DimseFlags,
  readDimseConfig,
  redactDimseConfig,
} from "./dimse_config.ts";

/** Log verbosity, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Everything the server (and the CLI, for the data dir) reads from its environment. */
export interface ServerConfig {
  /** PORT: listening port; 0 picks a free one. */
  port: number;
  /** HOST: listening address; loopback by default so nothing is exposed by accident. */
  host: string;
  /** DATA_DIR: KV file and the generated `deid.key` live here. */
  dataDir: string;
  /** KV_PATH: local KV file; ignored when `kvUrl` is set. */
  kvPath: string;
  /** KV_URL: remote Deno KV (`https://…`); wins over `kvPath`. */
  kvUrl?: string;
  /** DENO_KV_ACCESS_TOKEN (secret): for the remote KV; Deno reads it from the process env. */
  kvAccessToken?: string;
  /** ADMIN_PASSWORD (secret): enables the browser login when set. */
  adminPassword?: string;
  /** API_TOKENS (secret): bearer tokens for scripted clients. */
  apiTokens: string[];
  /** DEID_KEY (secret): raw value; resolve it with `resolveDeidKey()`, which knows precedence. */
  deidKey?: string;
  /** CROSSWALK_ENABLED: keep originals (sealed) for the admin's crosswalk export and import. */
  crosswalkEnabled: boolean;
  /** SESSION_IDLE_MINUTES: a session ends after this long without a request. */
  sessionIdleMinutes: number;
  /** SESSION_MAX_HOURS: a session ends this long after login, active or not. */
  sessionMaxHours: number;
  /** LOCKOUT_MAX_FAILURES: failed logins allowed per window before locking out. */
  lockoutMaxFailures: number;
  /** LOCKOUT_WINDOW_MINUTES: the window (and lockout length) for failed logins. */
  lockoutWindowMinutes: number;
  /** MAX_UPLOAD_BYTES: one request body's limit. */
  maxUploadBytes: number;
  /** BATCH_TTL_HOURS: how long a finished batch stays downloadable. */
  batchTtlHours: number;
  /** TRUSTED_PROXIES: peers whose `X-Forwarded-For` is believed (IPs or CIDRs). */
  trustedProxies: string[];
  /** LOG_LEVEL: least severe level that is logged. */
  logLevel: LogLevel;
  /** DIMSE_*: the DICOM C-STORE receiver (off unless DIMSE_PORT or `--dimse-port`). */
  dimse: DimseConfig;
  /** DOMAIN: public host name; used by the compose file only. */
  domain?: string;
  /** TRAEFIK_CERT_RESOLVER: Traefik ACME resolver; used by the compose file only. */
  traefikCertResolver?: string;
}

/** Every environment variable {@link readServerConfig} reads, in `.env.example` order. */
export const SERVER_ENV_KEYS = [
  "PORT",
  "HOST",
  "DATA_DIR",
  "KV_PATH",
  "KV_URL",
  "DENO_KV_ACCESS_TOKEN",
  "ADMIN_PASSWORD",
  "API_TOKENS",
  "DEID_KEY",
  "CROSSWALK_ENABLED",
  "SESSION_IDLE_MINUTES",
  "SESSION_MAX_HOURS",
  "LOCKOUT_MAX_FAILURES",
  "LOCKOUT_WINDOW_MINUTES",
  "MAX_UPLOAD_BYTES",
  "BATCH_TTL_HOURS",
  "TRUSTED_PROXIES",
  "LOG_LEVEL",
  ...DIMSE_ENV_KEYS,
  "DOMAIN",
  "TRAEFIK_CERT_RESOLVER",
] as const;

/** Command-line overrides; they win over the environment. */
export interface ServerFlags extends DimseFlags {
  port?: number;
  host?: string;
}

const MAX_PORT = 65535;

/**
 * Builds the server configuration from an env map (see `loadEnv()`) and flags. Empty values
 * count as unset, so compose's `${VAR:-}` pass-through yields the defaults. Throws
 * `RangeError` naming the variable; values of secrets are never quoted.
 */
export function readServerConfig(
  env: Readonly<Record<string, string>>,
  flags: ServerFlags = {},
): ServerConfig {
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === "" ? undefined : v;
  };
  const int = (name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER) =>
    readInteger(name, get(name), fallback, min, max);

  const dataDir = get("DATA_DIR") ?? "./data";
  const host = flags.host ?? get("HOST") ?? "127.0.0.1";
  if (host.trim() === "") throw new RangeError("HOST must not be empty");
  const port = flags.port ?? int("PORT", 8000, 0, MAX_PORT);
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw new RangeError(`--port must be an integer from 0 to ${MAX_PORT} (got ${port})`);
  }
  return {
    port,
    host,
    dataDir,
    kvPath: get("KV_PATH") ?? join(dataDir, "kv.sqlite3"),
    kvUrl: readUrl("KV_URL", get("KV_URL")),
    kvAccessToken: get("DENO_KV_ACCESS_TOKEN"),
    adminPassword: get("ADMIN_PASSWORD"),
    apiTokens: readList(get("API_TOKENS")),
    deidKey: get("DEID_KEY"),
    crosswalkEnabled: readFlag("CROSSWALK_ENABLED", get("CROSSWALK_ENABLED")),
    sessionIdleMinutes: int("SESSION_IDLE_MINUTES", 30),
    sessionMaxHours: int("SESSION_MAX_HOURS", 12),
    lockoutMaxFailures: int("LOCKOUT_MAX_FAILURES", 5),
    lockoutWindowMinutes: int("LOCKOUT_WINDOW_MINUTES", 15),
    maxUploadBytes: int("MAX_UPLOAD_BYTES", 4 * 1024 ** 3),
    batchTtlHours: int("BATCH_TTL_HOURS", 24),
    trustedProxies: readProxies("TRUSTED_PROXIES", get("TRUSTED_PROXIES")),
    logLevel: readLogLevel("LOG_LEVEL", get("LOG_LEVEL")),
    dimse: readDimseConfig(get, flags),
    domain: get("DOMAIN"),
    traefikCertResolver: get("TRAEFIK_CERT_RESOLVER"),
  };
}

/**
 * A copy safe to log at startup: secrets become `"(set)"` / a token count, so an operator can
 * see what is configured without the values reaching a log file.
 */
export function redactServerConfig(config: ServerConfig): Record<string, unknown> {
  const mark = (v: string | undefined) => (v === undefined ? undefined : "(set)");
  return {
    ...config,
    kvAccessToken: mark(config.kvAccessToken),
    adminPassword: mark(config.adminPassword),
    apiTokens: `${config.apiTokens.length} token(s)`,
    deidKey: mark(config.deidKey),
    dimse: redactDimseConfig(config.dimse),
  };
}
