/**
 * Test harness: a real server on port 0 over a real KV file in a temp dir, with an injected
 * clock and captured log lines. `close()` closes server and KV; `dispose()` also removes the
 * temp dir (a restart test closes, then starts again on the same dir).
 */
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { createDeidentifier } from "../../core/deid/mod.ts";
import { ensureAdminPassword } from "../../core/auth/accounts.ts";
import { readServerConfig } from "../../core/config/server_config.ts";
import { createLogger } from "../../core/log/logger.ts";
import { type RunningServer, startServer } from "../../routes/serve.ts";

/** The admin password every test server is configured with. */
export const PASSWORD = "correct horse battery";
/** The API token every test server accepts. */
export const TOKEN = "test-token-0123456789";
/** The de-identification key of every test server. */
export const KEY = new Uint8Array(32).fill(42);

/** A started test server. */
export interface TestServer {
  readonly url: string;
  readonly dir: string;
  readonly kv: Deno.Kv;
  readonly server: RunningServer;
  /** Mutable fake time, in ms. */
  readonly clock: { t: number };
  /** Log lines written so far (JSON). */
  readonly logs: string[];
  close(): Promise<void>;
  dispose(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** Extra environment (config keys); DATA_DIR and PORT are set by the harness. */
  env?: Record<string, string>;
  /** Reuse a data dir (restart tests). */
  dir?: string;
  clock?: { t: number };
}

/** Starts a server with ADMIN_PASSWORD={@link PASSWORD} and API_TOKENS={@link TOKEN}. */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = opts.dir ?? await Deno.makeTempDir({ prefix: "deid-http-" });
  const config = readServerConfig({
    API_TOKENS: TOKEN,
    LOG_LEVEL: "debug",
    ...opts.env,
    DATA_DIR: dir,
    PORT: "0",
  });
  const kv = await Deno.openKv(join(dir, "kv.sqlite3"));
  const clock = opts.clock ?? { t: Date.now() };
  await ensureAdminPassword(kv, { password: PASSWORD, dataDir: dir, now: clock.t });
  const logs: string[] = [];
  const log = createLogger("debug", (line) => logs.push(line), () => clock.t);
  const server = await startServer({ config, kv, deidKey: KEY, clock: () => clock.t, log });
  const close = async () => {
    await server.close();
    kv.close();
  };
  return {
    url: `http://127.0.0.1:${server.port}`,
    dir,
    kv,
    server,
    clock,
    logs,
    close,
    dispose: async () => {
      await close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Logs in with a form post; returns the session cookie ("name=value") and its CSRF token. */
export async function login(url: string, password = PASSWORD) {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    body: new URLSearchParams({ password }),
    redirect: "manual",
  });
  await res.body?.cancel();
  if (res.status !== 303) throw new Error(`login answered ${res.status}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0];
  const session = await (await fetch(`${url}/api/session`, { headers: { cookie } })).json();
  return { cookie, csrf: session.csrf as string };
}

/** A failed login attempt's status and Retry-After. */
export async function tryLogin(
  url: string,
  password: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}/login`, {
    method: "POST",
    body: new URLSearchParams({ password }),
    headers,
    redirect: "manual",
  });
  await res.body?.cancel();
  return { status: res.status, retryAfter: res.headers.get("retry-after") };
}

/** What the server must answer for `bytes`: the same engine, key and settings, in-process. */
export function anonymizeLocally(
  bytes: Uint8Array,
  params: { profile?: string; options?: string[] } = {},
): Uint8Array {
  const job = createDeidentifier({ key: KEY, ...params }).start();
  return new Uint8Array(Buffer.concat([...job.pipeline.push(bytes), ...job.pipeline.finish()]));
}
