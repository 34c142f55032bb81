/**
 * The long load run of issue 9 (the short one is tests/reliability/load_test.ts): a
 * `main.ts serve` process (as `deno task start` runs it) takes `--streams` concurrent
 * streaming uploads and `--batches` concurrent batch uploads of `--files` files each, over and
 * over for `--minutes`, while its RSS is sampled every second. Appends a section to
 * bench/LOAD.md.
 *
 *   deno run -A bench/load.ts [--minutes 3] [--streams 32] [--batches 8] [--files 200]
 *
 * Every output is checked: de-identification is deterministic (keyed UIDs and date shifts),
 * so each input's output is made once, checked with dcmdump and phi_check.py, and every
 * answer under load must equal it byte for byte (SHA-256); batch ZIP entries as well.
 */
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { makeStudy, phiCheck } from "../tests/support/anonymize_tree.ts";
import { BEARER, spawnServe } from "../tests/reliability/_util.ts";
import {
  batchOnce,
  dcmdumpFailures,
  type LoadFile,
  readStudy,
  rssOf,
  streamOnce,
  writeOut,
} from "../tests/reliability/_load.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

const { values } = parseArgs({
  args: Deno.args,
  options: {
    minutes: { type: "string", default: "3" },
    streams: { type: "string", default: "32" },
    batches: { type: "string", default: "8" },
    files: { type: "string", default: "200" },
    out: { type: "string", default: `${ROOT}bench/LOAD.md` },
  },
});
const minutes = Number(values.minutes);
const streams = Number(values.streams);
const batches = Number(values.batches);
const perBatch = Number(values.files);

const dir = await Deno.makeTempDir({ prefix: "deid-load-bench-" });
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
try {
  log("making studies");
  // Streaming inputs: 16 images of 1600×1600×16 bit (~5 MB); batch inputs: `files` images
  // of 256×256 (~130 KB) in 4 patients, flat names (phi_check matches outputs by path).
  const images = Math.ceil(perBatch / 4 / 5);
  const [bigStudy, smallStudy] = await Promise.all([
    makeStudy(join(dir, "big"), [
      "--patients",
      "2",
      "--studies",
      "1",
      "--series",
      "1",
      "--images",
      "8",
      "--rows",
      "1600",
      "--cols",
      "1600",
    ]),
    makeStudy(join(dir, "small"), [
      "--patients",
      "4",
      "--studies",
      "1",
      "--series",
      "5",
      "--images",
      String(images),
      "--rows",
      "256",
      "--cols",
      "256",
    ]),
  ]);
  const big = await readStudy(bigStudy);
  const small = (await readStudy(smallStudy)).slice(0, perBatch);

  const data = join(dir, "data");
  await Deno.mkdir(data);
  const server = await spawnServe(data, { LOG_LEVEL: "warn" }, [
    "--v8-flags=--max-semi-space-size=2",
  ]);
  const url = server.url;
  try {
    // Reference outputs, judged once by dcmdump and phi_check.
    log("reference outputs");
    const expected = new Map<LoadFile, string>(); // both studies have p0001_… names
    for (
      const [name, study, files] of [["big", bigStudy, big], ["small", smallStudy, small]] as const
    ) {
      const refDir = join(dir, `ref-${name}`);
      for (const f of files) {
        const out = await streamOnce(url, BEARER, f);
        await writeOut(refDir, f.rel, out);
        expected.set(f, sha(out));
      }
      const bad = await dcmdumpFailures(files.map((f) => join(refDir, f.rel)));
      const { hits, summary } = await phiCheck(study, refDir);
      if (bad.length || hits.length) throw new Error(`reference outputs: ${bad} ${hits}`);
      log(`${name}: ${files.length} outputs, dcmdump clean, ${summary}`);
    }

    const end = performance.now() + minutes * 60_000;
    const errors: string[] = [];
    const streamMs: number[] = [];
    const batchMs: number[] = [];
    let bytesIn = 0;
    let batchFiles = 0;
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssOf(server.pid)), 1000);
    const check = (f: LoadFile, out: Uint8Array) => {
      if (sha(out) !== expected.get(f)) errors.push(`${f.rel}: output differs`);
    };
    const streamLane = async (lane: number) => {
      for (let i = lane; performance.now() < end; i += streams) {
        const f = big[i % big.length];
        const t0 = performance.now();
        try {
          check(f, await streamOnce(url, BEARER, f));
          streamMs.push(performance.now() - t0);
          bytesIn += f.bytes.length;
        } catch (err) {
          errors.push(`stream: ${(err as Error).message}`);
        }
      }
    };
    const batchLane = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const entries = await batchOnce(url, BEARER, small);
          for (const f of small) {
            if (!entries[f.rel]) errors.push(`batch: ${f.rel} missing`);
            else check(f, entries[f.rel]);
          }
          batchMs.push(performance.now() - t0);
          batchFiles += small.length;
          bytesIn += small.reduce((n, f) => n + f.bytes.length, 0);
        } catch (err) {
          errors.push(`batch: ${(err as Error).message}`);
        }
      }
    };
    log(`load: ${streams} streaming lanes + ${batches} batch lanes for ${minutes} min`);
    const progress = setInterval(() => {
      log(
        `${streamMs.length} streams, ${batchMs.length} batches, ${errors.length} errors, RSS ${
          mb(rss.at(-1) ?? 0)
        } MB`,
      );
    }, 30_000);
    const t0 = performance.now();
    await Promise.all([
      ...Array.from({ length: streams }, (_, i) => streamLane(i)),
      ...Array.from({ length: batches }, batchLane),
    ]);
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    clearInterval(progress);
    const hwm =
      Number(/VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${server.pid}/status`))?.[1]) *
      1024;
    const exit = await server.stop();
    const warnLines = server.lines.filter((l) => /"level":"(warn|error)"/.test(l));

    const load = Deno.loadavg()[0].toFixed(2);
    const q = (xs: number[], p: number) =>
      xs.length ? [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] : 0;
    const section = [
      `## ${
        new Date().toISOString().slice(0, 16).replace("T", " ")
      } UTC: ${streams} streams + ${batches} batches × ${small.length} files, ${minutes} min`,
      "",
      `- Machine: ${navigator.hardwareConcurrency} CPUs, Deno ${Deno.version.deno}; client and server on one host; 1-minute load average at the end: ${load}.`,
      `- Server: \`main.ts serve\` with \`--v8-flags=--max-semi-space-size=2\`, LOG_LEVEL=warn; exit code ${exit} after SIGTERM; ${warnLines.length} warn/error log lines.`,
      `- Inputs: ${big.length} streaming files of ${mb(big[0].bytes.length)} MB; batch files of ${
        (small[0].bytes.length / 1e3).toFixed(0)
      } KB.`,
      "",
      "| measure | value |",
      "|---|---:|",
      `| wall time | ${seconds.toFixed(0)} s |`,
      `| streaming uploads completed | ${streamMs.length} |`,
      `| streaming latency p50 / p95 / max | ${q(streamMs, 0.5).toFixed(0)} / ${
        q(streamMs, 0.95).toFixed(0)
      } / ${Math.max(0, ...streamMs).toFixed(0)} ms |`,
      `| batches completed (upload + ZIP + delete) | ${batchMs.length} (${batchFiles} files) |`,
      `| batch duration p50 / max | ${(q(batchMs, 0.5) / 1000).toFixed(1)} / ${
        (Math.max(0, ...batchMs) / 1000).toFixed(1)
      } s |`,
      `| data uploaded | ${mb(bytesIn)} MB (${(bytesIn / 1e6 / seconds).toFixed(0)} MB/s) |`,
      `| errors (failed requests or outputs ≠ the checked reference) | ${errors.length} |`,
      `| server RSS min / median / max (1 s samples) | ${mb(Math.min(...rss))} / ${
        mb(q(rss, 0.5))
      } / ${mb(Math.max(...rss))} MB |`,
      `| server peak RSS (VmHWM) | ${mb(hwm)} MB |`,
      "",
      ...(warnLines.length
        ? [
          "Server warn/error lines (first 5):",
          "",
          ...warnLines.slice(0, 5).map((l) => `- \`${l}\``),
          "",
        ]
        : []),
      ...(errors.length
        ? ["First errors:", "", ...errors.slice(0, 10).map((e) => `- ${e}`), ""]
        : []),
    ].join("\n");
    const header =
      "# Load (soak)\n\nAppended by `deno run -A bench/load.ts` (one section per run). Reference outputs are\nchecked once with dcmdump and phi_check.py; every answer under load must equal its reference\nbyte for byte (de-identification is deterministic for a key).\n\n";
    const old = await Deno.readTextFile(values.out).catch(() => header);
    await Deno.writeTextFile(values.out, `${old.trimEnd()}\n\n${section}`);
    // `deno task check` runs `deno fmt --check` over Markdown too.
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", values.out] }).output();
    console.log(section);
    if (errors.length) Deno.exitCode = 1;
  } finally {
    await server.kill();
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

function mb(n: number): string {
  return (n / 1e6).toFixed(0);
}
