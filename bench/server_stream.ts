/**
 * The streaming endpoint under load (issue 6's targets), measured against a plain node:http
 * echo in the same run, all on loopback:
 *   1. 1 GiB multi-frame file through `curl -T … /api/anonymize` vs the echo: MB/s, ratio,
 *      server peak RSS;
 *   2. how much of the upload had been sent when the first response body byte arrived;
 *   3. 32 concurrent 50 MB uploads: all complete and valid, server peak RSS.
 * Writes bench/SERVER.md.   deno run -A bench/server_stream.ts [--runs 3]
 */
import { request } from "node:http";
import { parseArgs } from "node:util";
import { W2_MULTIFRAME } from "./workloads.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const WORK = `${ROOT}bench/work/`;
const DENO = Deno.execPath();
const TOKEN = "bench-token-not-secret";
const V8 = "--v8-flags=--max-semi-space-size=2";

interface Server {
  port: number;
  pid: number;
  stop(): Promise<number>; // returns peak RSS in MB
}

/** Starts a server subprocess and waits for the line that names its port. */
async function start(
  argv: string[],
  env: Record<string, string>,
  pattern: RegExp,
): Promise<Server> {
  const child = new Deno.Command(DENO, { args: argv, env, stdout: "piped", stderr: "inherit" })
    .spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`server exited before listening: ${argv.join(" ")}`);
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    port: Number(text.match(pattern)![1]),
    pid: child.pid,
    async stop() {
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
      const hwm = Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) / 1024;
      child.kill("SIGTERM");
      await child.status;
      return Math.round(hwm);
    },
  };
}

async function ourServer(): Promise<Server> {
  const dataDir = await Deno.makeTempDir({ dir: WORK, prefix: "server-" });
  return await start(
    ["run", "-A", V8, `${ROOT}main.ts`, "serve", "--port", "0"],
    {
      DATA_DIR: dataDir,
      API_TOKENS: TOKEN,
      ADMIN_PASSWORD: "bench-admin-password",
      LOG_LEVEL: "warn",
    },
    /Listening on http:\/\/[^:]+:(\d+)\//,
  );
}

async function echoServer(): Promise<Server> {
  return await start(
    ["run", "-A", `${ROOT}tools/measure_duplex.ts`, "--serve", "node"],
    {},
    /PORT (\d+)/,
  );
}

/** One `curl -T` upload; returns seconds and bytes received. */
async function curl(url: string, file: string, out = "/dev/null") {
  const { stdout, code } = await new Deno.Command("curl", {
    args: [
      "-sS",
      "-T",
      file,
      "-X",
      "POST",
      "-H",
      `Authorization: Bearer ${TOKEN}`,
      url,
      "-o",
      out,
      "-w",
      "%{http_code} %{time_total} %{size_download}",
    ],
    stdout: "piped",
  }).output();
  const [status, seconds, size] = new TextDecoder().decode(stdout).split(" ");
  return { ok: code === 0 && status === "200", seconds: Number(seconds), bytes: Number(size) };
}

/** Sends the file in 1 MiB writes and notes how much was sent when the first body byte came. */
function firstByteShare(port: number, file: string): Promise<number> {
  const total = Deno.statSync(file).size;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/api/anonymize",
      headers: { authorization: `Bearer ${TOKEN}`, "content-length": total },
    }, (res) => {
      res.once("data", () => {
        answered = true;
        resolve(sent / total);
      });
      res.resume();
    });
    req.on("error", reject);
    (async () => {
      using f = await Deno.open(file);
      const buf = new Uint8Array(1024 * 1024);
      for (;;) {
        const n = await f.read(buf);
        if (n === null) break;
        if (!req.write(buf.slice(0, n))) await new Promise((r) => req.once("drain", r));
        sent += n;
        if (answered) {
          req.destroy();
          return;
        }
      }
      req.end();
    })().catch(reject);
  });
}

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "3" } },
});
const runs = Number(values.runs);
await Deno.mkdir(WORK, { recursive: true });
const big = (await W2_MULTIFRAME.prepare(false)).path;
const bigMb = Deno.statSync(big).size / 1e6;
const lines: string[] = [];

const rows: string[] = [];
for (let r = 0; r < runs; r++) {
  const echo = await echoServer();
  const e = await curl(`http://127.0.0.1:${echo.port}/echo`, big);
  const echoRss = await echo.stop();
  const ours = await ourServer();
  const o = await curl(`http://127.0.0.1:${ours.port}/api/anonymize`, big);
  const oursRss = await ours.stop();
  rows.push(
    `| ${r + 1} | ${(bigMb / e.seconds).toFixed(0)} | ${echoRss} | ${
      (bigMb / o.seconds).toFixed(0)
    } | ` +
      `${(e.seconds / o.seconds).toFixed(2)} | ${oursRss} | ${o.ok ? "yes" : "NO"} |`,
  );
  console.log(rows.at(-1));
}
lines.push(
  `## 1 GiB through \`curl -T\` on loopback (${bigMb.toFixed(0)} MB, ${runs} runs)`,
  "",
  "| run | echo MB/s | echo RSS MB | /api/anonymize MB/s | ratio to echo | server RSS MB | 200 + full body |",
  "|---|---:|---:|---:|---:|---:|---|",
  ...rows,
  "",
);

const probe = await ourServer();
const share = await firstByteShare(probe.port, big);
await probe.stop();
lines.push(
  "## First response body byte",
  "",
  `A client writing the 1 GiB file in 1 MiB writes had sent ${(share * 100).toFixed(2)} % of it ` +
    "when the first anonymized byte came back.",
  "",
);
console.log(lines.at(-2));

const mid = `${WORK}mf50m`;
try {
  await Deno.stat(`${mid}/phi.json`);
} catch {
  const { success } = await new Deno.Command("/usr/bin/python3", {
    args: [
      `${ROOT}tests/tools/make_corpus.py`,
      mid,
      "-q",
      "--multiframe",
      "50M",
      "--only-multiframe",
    ],
  }).output();
  if (!success) throw new Error("make_corpus.py failed");
}
const fifty = `${mid}/mf_50M.dcm`;
const server = await ourServer();
const outDir = await Deno.makeTempDir({ dir: WORK, prefix: "concurrent-" });
const t0 = performance.now();
const results = await Promise.all(
  Array.from(
    { length: 32 },
    (_, i) => curl(`http://127.0.0.1:${server.port}/api/anonymize`, fifty, `${outDir}/${i}.dcm`),
  ),
);
const wall = (performance.now() - t0) / 1000;
const rss = await server.stop();
let valid = 0;
for (let i = 0; i < 32; i++) {
  const { code } = await new Deno.Command("dcmdump", {
    args: ["-q", "-M", `${outDir}/${i}.dcm`],
    stdout: "null",
    stderr: "null",
  }).output();
  if (code === 0 && results[i].ok) valid++;
}
await Deno.remove(outDir, { recursive: true });
lines.push(
  "## 32 concurrent 50 MB uploads",
  "",
  `${
    results.filter((r) => r.ok).length
  }/32 answered 200 with a full body, ${valid}/32 outputs read ` +
    `by dcmdump without error; ${wall.toFixed(1)} s in all (${
      (32 * Deno.statSync(fifty).size / 1e6 / wall).toFixed(0)
    } MB/s); ` +
    `server peak RSS ${rss} MB.`,
  "",
);
console.log(lines.at(-2));

const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
await Deno.writeTextFile(
  `${ROOT}bench/SERVER.md`,
  [
    "# Streaming server benchmark",
    "",
    "Generated by `deno run -A bench/server_stream.ts`. Do not edit.",
    "",
    `- ${
      new Date().toISOString().slice(0, 16).replace("T", " ")
    } UTC, Deno ${Deno.version.deno}, ` +
    `server run with \`${V8}\`; 1-minute load average at the end: ${load}`,
    "- The echo is a `node:http` server doing `req.pipe(res)` (tools/measure_duplex.ts), run in " +
    "the same session, each server a fresh subprocess; RSS is the server's VmHWM.",
    "",
    ...lines,
  ].join("\n"),
);
