/**
 * Helpers of the reliability tests: the real `main.ts serve` / `main.ts anonymize` as child
 * processes with every output line captured, raw node:http uploads that can stall or abort,
 * and file-tree listings.
 */
import { Buffer } from "node:buffer";
import { request } from "node:http";
import { join, relative } from "node:path";

/** `main.ts`, the composition root both children run. */
export const MAIN = new URL("../../main.ts", import.meta.url).pathname;
/** The admin password and API token of every spawned server. */
export const PASSWORD = "reliability horse staple";
export const TOKEN = "reliability-token-7f3c9a1e5b";
/** Bearer header for {@link TOKEN}. */
export const BEARER = { authorization: `Bearer ${TOKEN}` };

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 25 ms until it is truthy; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Every file under `dir`, relative and sorted ([] when `dir` does not exist). */
export function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** {@link files} without the KV database's own files. */
export const dataFiles = (dir: string) => files(dir).filter((f) => !/^kv\.sqlite3/.test(f));

/** Collects a child's output as lines, as they come. */
function collect(stream: ReadableStream<Uint8Array<ArrayBuffer>>, into: string[]): Promise<void> {
  let rest = "";
  return stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(text) {
        const parts = (rest + text).split("\n");
        rest = parts.pop()!;
        into.push(...parts);
      },
      close() {
        if (rest) into.push(rest);
      },
    }),
  ).catch(() => {});
}

/** A `main.ts serve` child process. */
export interface ServeProcess {
  readonly url: string;
  readonly pid: number;
  /** stdout and stderr lines so far (stderr lines are prefixed "stderr: "). */
  readonly lines: string[];
  /** SIGKILL: no cleanup of any kind. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit; returns the exit code. */
  stop(): Promise<number>;
}

/** Starts `main.ts serve --port 0` on `dataDir` (also its cwd, so no stray `.env` is read). */
export async function spawnServe(
  dataDir: string,
  env: Record<string, string> = {},
  denoFlags: string[] = [],
): Promise<ServeProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...denoFlags, MAIN, "serve", "--port", "0"],
    cwd: dataDir,
    env: {
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: PASSWORD,
      API_TOKENS: TOKEN,
      LOG_LEVEL: "debug",
      NO_COLOR: "1",
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const errLines: string[] = [];
  const pumped = Promise.all([collect(child.stdout, lines), collect(child.stderr, errLines)]);
  const all = () => [...lines, ...errLines.map((l) => `stderr: ${l}`)];
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  const listening = await waitFor<string | undefined>("the server to listen", () => {
    if (exited) throw new Error(`server exited early:\n${all().join("\n")}`);
    return lines.map((l) => /^Listening on (http:\/\/\S+?)\/?$/.exec(l)?.[1]).find(Boolean);
  }, 20_000);
  const finish = async () => {
    const s = await status;
    await pumped;
    return s.code;
  };
  return {
    url: listening!,
    pid: child.pid,
    get lines() {
      return all();
    },
    kill: async () => {
      if (!exited) child.kill("SIGKILL");
      await finish();
    },
    stop: async () => {
      if (!exited) child.kill("SIGTERM");
      return await finish();
    },
  };
}

/** Output of a finished `main.ts anonymize` run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `main.ts anonymize ...args` to completion (bounded by `timeoutMs`). The CLI keeps its
 * key in `./data` unless told otherwise, so it runs in a fresh temp folder, never the repo.
 */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  const cwd = await Deno.makeTempDir({ prefix: "deid-cli-cwd-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "anonymize", ...args],
    cwd,
    env: { NO_COLOR: "1", ...opts.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    clearTimeout(timer);
    await Deno.remove(cwd, { recursive: true });
  }
}

/** A request whose body the test writes by hand (to stall or abort it). */
export interface RawRequest {
  /** Writes a chunk, respecting backpressure. */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the body and resolves to the full answer. */
  end(): Promise<RawAnswer>;
  /** Drops the connection (a client that gives up or crashes). */
  abort(): void;
  /** Resolves when the answer has ended (or the connection failed: status 0). */
  readonly answer: Promise<RawAnswer>;
  /** True once the answer's first body byte arrived. */
  readonly responding: boolean;
}

/** Status, headers and body of an answer; `broken` when the connection failed. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  broken: boolean;
}

/** Opens a request on a fresh connection; the body is written with {@link RawRequest.write}. */
export function openRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
): RawRequest {
  const req = request(url, { method, headers, agent: false });
  let settle!: (a: RawAnswer) => void;
  const answer = new Promise<RawAnswer>((r) => (settle = r));
  const parts: Uint8Array[] = [];
  let responding = false;
  const fail = () => settle({ status: 0, headers: {}, body: new Uint8Array(), broken: true });
  req.on("error", fail);
  req.on("response", (res) => {
    res.on("data", (c: Uint8Array) => (responding = true, parts.push(c)));
    res.on("error", () => {});
    res.on("close", () =>
      settle({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: new Uint8Array(Buffer.concat(parts)),
        broken: !res.complete,
      }));
  });
  return {
    answer,
    get responding() {
      return responding;
    },
    write: async (chunk) => {
      if (req.destroyed) return;
      if (!req.write(chunk)) {
        await Promise.race([new Promise((r) => req.once("drain", r)), answer]);
      }
    },
    end: () => (req.end(), answer),
    abort: () => req.destroy(),
  };
}

/** Sends `body` whole with node:http (no retries, unlike fetch) and collects the answer. */
export async function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array,
): Promise<RawAnswer> {
  const r = openRequest(url, method, { ...headers, "content-length": String(body.length) });
  await r.write(body);
  return await r.end();
}

/** The text of an answer's body (JSON errors). */
export const text = (a: RawAnswer) => new TextDecoder().decode(a.body);
