/**
 * Everything a request handler may use, built once per server from injected dependencies
 * (KV handle, clock, key, config), so tests run servers on temp KV files with fake clocks.
 */
import type { ApiTokens as ApiTokensType } from "../core/auth/tokens.ts";
import { ApiTokens } from "../core/auth/tokens.ts";
import { Lockout } from "../core/auth/lockout.ts";
import { SessionStore } from "../core/auth/sessions.ts";
import type { ServerConfig } from "../core/config/server_config.ts";
import { type Clock, systemClock } from "../core/kv/retry.ts";
import { createLogger, type Logger } from "../core/log/logger.ts";
import { TrustedProxies } from "../core/net/forwarded.ts";
import { BatchService } from "../core/batches/service.ts";
import { openLockedTemp, type OpenTemp } from "../core/batches/temp_files.ts";
import { PreviewRunner } from "../core/preview/runner.ts";
import { PreviewService } from "../core/preview/service.ts";

/** What the caller of `startServer()` provides. */
export interface ServerDeps {
  readonly config: ServerConfig;
  /** An open KV handle; the caller closes it after the server. */
  readonly kv: Deno.Kv;
  /** The de-identification key (`resolveDeidKey()`). */
  readonly deidKey: Uint8Array;
  /** Defaults to the system clock; tests inject one they can move. */
  readonly clock?: Clock;
  /** Defaults to JSON lines on stdout at LOG_LEVEL. */
  readonly log?: Logger;
  /**
   * Creates the temp files of uploads (batch files, ZIP spools). Defaults to locked files
   * (core/batches/temp_files.ts); tests inject a writer that fails like a full disk.
   */
  readonly openTemp?: OpenTemp;
}

/** Per-server state shared by every route. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly kv: Deno.Kv;
  readonly deidKey: Uint8Array;
  readonly clock: Clock;
  readonly log: Logger;
  readonly sessions: SessionStore;
  readonly lockout: Lockout;
  readonly tokens: ApiTokensType;
  readonly proxies: TrustedProxies;
  readonly batches: BatchService;
  /** Previews of batch outputs (a worker, started on first use; closed with the server). */
  readonly previews: PreviewService;
  readonly openTemp: OpenTemp;
}

/** Builds the context: session store, lockout, token digests, proxy list, batch service. */
export function createContext(deps: ServerDeps): ServerContext {
  const { config, kv } = deps;
  const clock = deps.clock ?? systemClock;
  const openTemp = deps.openTemp ?? openLockedTemp;
  return {
    openTemp,
    config,
    kv,
    deidKey: deps.deidKey,
    clock,
    log: deps.log ?? createLogger(config.logLevel),
    sessions: new SessionStore({
      kv,
      clock,
      idleMs: config.sessionIdleMinutes * 60_000,
      maxMs: config.sessionMaxHours * 3600_000,
    }),
    lockout: new Lockout({
      kv,
      clock,
      maxFailures: config.lockoutMaxFailures,
      windowMs: config.lockoutWindowMinutes * 60_000,
    }),
    tokens: new ApiTokens(config.apiTokens),
    proxies: new TrustedProxies(config.trustedProxies),
    previews: new PreviewService(new PreviewRunner()),
    batches: new BatchService({
      kv,
      clock,
      dataDir: config.dataDir,
      ttlMs: config.batchTtlHours * 3600_000,
      maxUploadBytes: config.maxUploadBytes,
      deidKey: deps.deidKey,
      openTemp,
      crosswalkEnabled: config.crosswalkEnabled,
    }),
  };
}
