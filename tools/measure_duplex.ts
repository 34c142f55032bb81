/**
 * Full-duplex HTTP/1.1 echo throughput on loopback (TOOLCHAIN §2): `Deno.serve` with a
 * Web-stream echo vs a `node:http` server with `req.pipe(res)`, both driven by `curl -T`,
 * which uploads and reads the echoed body at the same time.
 *
 *   deno run -A tools/measure_duplex.ts [FILE] [--runs 3] [--json bench/work/duplex.json]
 *
 * Without FILE, 1 GiB of random bytes is generated once in bench/work/echo.bin. Each run
 * starts a fresh server subprocess (same Deno binary), so its VmHWM is that run's peak RSS.
 */
import { randomFillSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

/** Server implementations under test, by the name used with the internal `--serve` flag. */
export const SERVERS = {
  deno: "Deno.serve + TransformStream",
  node: "node:http req.pipe(res)",
} as const;
type ServerKind = keyof typeof SERVERS;

/** One curl run against one fresh server. */
export interface DuplexRun {
  server: string;
  /** "-T" (curl's default `Expect: 100-continue` for bodies over 1 MiB) or "-T -H 'Expect:'". */
  curl: string;
  seconds: number;
  ttfbSeconds: number;
  mbPerSecond: number;
  serverPeakRssMb: number;
  /** True when curl got 200 and exactly the uploaded number of bytes back. */
  ok: boolean;
}

/** What `--json` holds (bench/work/duplex.json), read back by bench/run.ts. */
export interface DuplexReport {
  date: string;
  deno: string;
  file: string;
  bytes: number;
  runs: DuplexRun[];
}

const BENCH_WORK = new URL("../bench/work/", import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;

/** Runs the echo server in this process and prints "PORT n" once listening. */
function serve(kind: ServerKind): void {
  if (kind === "deno") {
    Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) => console.log(`PORT ${port}`),
    }, (req) => new Response(req.body?.pipeThrough(new TransformStream())));
    return;
  }
  const server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    req.pipe(res);
  });
  server.listen(0, "127.0.0.1", () => {
    console.log(`PORT ${(server.address() as AddressInfo).port}`);
  });
}

/** Writes `bytes` of random data to `path` (via a temp name, so a crash leaves no stub). */
async function makeRandomFile(path: string, bytes: number): Promise<void> {
  const buf = new Uint8Array(16 << 20);
  using file = await Deno.open(`${path}.tmp`, {
    write: true,
    create: true,
    truncate: true,
  });
  for (let left = bytes; left > 0; left -= buf.length) {
    const part = buf.subarray(0, Math.min(left, buf.length));
    randomFillSync(part);
    for (let off = 0; off < part.length;) {
      off += await file.write(part.subarray(off));
    }
  }
  await Deno.rename(`${path}.tmp`, path);
}

/** Reads the child's stdout until the "PORT n" line. */
async function readPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!/PORT \d+\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(
        `server exited before listening: ${JSON.stringify(text)}`,
      );
    }
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return Number(/PORT (\d+)/.exec(text)![1]);
}

/** Peak resident set size of a live process, in MB (VmHWM in /proc/PID/status). */
async function peakRssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

const CURL_FORMAT = [
  "%{time_total}",
  "%{time_starttransfer}",
  "%{size_download}",
  "%{http_code}",
].join(" ");

/** One echo configuration: which server, and whether curl sends Expect. */
interface Config {
  kind: ServerKind;
  noExpect: boolean;
}

/** Starts a fresh server, echoes `file` through it once with curl, stops it. */
async function runOnce(
  { kind, noExpect }: Config,
  file: string,
  bytes: number,
): Promise<DuplexRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SELF, "--serve", kind],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const port = await readPort(child.stdout);
    // A full path: `curl -T f http://host/` would upload to /f instead.
    const args = ["-sS", "--max-time", "900", "-o", "/dev/null"];
    if (noExpect) args.push("-H", "Expect:");
    args.push("-w", CURL_FORMAT, "-T", file, "-X", "POST");
    args.push(`http://127.0.0.1:${port}/echo`);
    const curl = await new Deno.Command("curl", { args }).output();
    const text = new TextDecoder().decode(curl.stdout);
    const [total, ttfb, size, code] = text.trim().split(" ");
    const seconds = Number(total);
    return {
      server: SERVERS[kind],
      curl: noExpect ? "-T -H 'Expect:'" : "-T",
      seconds,
      ttfbSeconds: Number(ttfb),
      mbPerSecond: bytes / seconds / 1e6,
      serverPeakRssMb: await peakRssMb(child.pid),
      ok: curl.success && code === "200" && Number(size) === bytes,
    };
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

/** One console line per run. */
function formatRun(r: DuplexRun): string {
  return [
    r.server.padEnd(30),
    r.curl.padEnd(16),
    `${r.seconds.toFixed(2).padStart(7)} s`,
    `${r.mbPerSecond.toFixed(0).padStart(5)} MB/s`,
    `ttfb ${r.ttfbSeconds.toFixed(4)} s`,
    `rss ${r.serverPeakRssMb.toFixed(0)} MB`,
    r.ok ? "" : "FAILED (short echo)",
  ].join("  ").trimEnd();
}

/** Echoes `file` `runs` times per configuration, logs, writes `jsonPath`. */
export async function runDuplex(
  file: string,
  runs: number,
  jsonPath: string,
): Promise<DuplexReport> {
  const bytes = (await Deno.stat(file)).size;
  const mb = (bytes / 1e6).toFixed(1);
  console.log(`duplex echo: ${file} (${mb} MB), deno ${Deno.version.deno}`);
  const report: DuplexReport = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    file,
    bytes,
    runs: [],
  };
  // Deno.serve 2.8.2 sends no "100 Continue", so plain `curl -T` first waits
  // out its 1 s expect timeout; runs without Expect show the transfer alone.
  const configs: Config[] = [];
  for (const kind of Object.keys(SERVERS) as ServerKind[]) {
    configs.push({ kind, noExpect: false }, { kind, noExpect: true });
  }
  for (const config of configs) {
    for (let i = 0; i < runs; i++) {
      const r = await runOnce(config, file, bytes);
      report.runs.push(r);
      console.log(formatRun(r));
    }
  }
  await Deno.writeTextFile(jsonPath, JSON.stringify(report, null, 2) + "\n");
  return report;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      serve: { type: "string" },
      runs: { type: "string", default: "3" },
      json: { type: "string", default: `${BENCH_WORK}duplex.json` },
    },
  });
  if (values.serve) {
    if (!(values.serve in SERVERS)) {
      throw new TypeError(`--serve: unknown server ${values.serve}`);
    }
    serve(values.serve as ServerKind);
  } else {
    let file = positionals[0];
    if (!file) {
      file = `${BENCH_WORK}echo.bin`;
      await Deno.mkdir(BENCH_WORK, { recursive: true });
      if ((await Deno.stat(file).catch(() => null))?.size !== 1 << 30) {
        await makeRandomFile(file, 1 << 30);
      }
    }
    const report = await runDuplex(file, Number(values.runs), values.json);
    if (report.runs.some((r) => !r.ok)) Deno.exitCode = 1;
  }
}
