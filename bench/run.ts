/**
 * Benchmark harness: each row runs a command on a generated workload, next to `cp` of the same
 * input, and bench/RESULTS.md gets wall time, ratio to cp, MB/s, files/s and peak RSS, plus
 * the HTTP/1.1 duplex echo numbers of tools/measure_duplex.ts.
 *
 *   deno run -A bench/run.ts [--quick] [--only NAME] [--runs N] [--extra 'TOOL=CMD {in} {out}']
 *
 * --quick   64 MiB input, 1 run, writes bench/work/RESULTS.quick.md instead of bench/RESULTS.md
 * --only    rows whose tool or workload name contains NAME (plus cp), or "duplex"; rows measured
 *           earlier are kept in the report (bench/work/results*.json)
 * --extra   an ad-hoc row on W2, e.g. to try a stand-in: 'copy=deno run -A x.ts {in} {out}'
 */
import { parseArgs } from "node:util";
import { type DuplexReport, runDuplex } from "../tools/measure_duplex.ts";
import { measureCommand } from "./measure.ts";
import { describeMachine, renderResults, type ResultRow } from "./report.ts";
import {
  BENCH_WORK,
  W1_CT_SERIES,
  W2_MULTIFRAME,
  W3_TINY_FILES,
  type Workload,
} from "./workloads.ts";

/** One benchmarked tool on one workload. */
export interface Row {
  name: string;
  workload: Workload;
  command(input: string, output: string): string[];
  /** Files (relative to the repo) the command needs; the row is skipped when one is missing. */
  requires?: string[];
  /** Programs on PATH the command needs (e.g. a peer from Debian); skipped when missing. */
  commands?: string[];
}

const ROOT = new URL("../", import.meta.url).pathname;
const DENO = Deno.execPath();

/** `main.ts anonymize IN OUT` with the bench key, as a user would run it. */
function cliCommand(input: string, output: string): string[] {
  return [
    DENO,
    "run",
    "-A",
    `${ROOT}main.ts`,
    "anonymize",
    input,
    output,
    "--quiet",
    "--key-file",
    `${ROOT}bench/bench.key`,
  ];
}

/** The rows; add a tool here. */
export const ROWS: Row[] = [
  {
    name: "codec passthrough (parse→encode)",
    workload: W2_MULTIFRAME,
    command: (input, output) => [DENO, "run", "-A", `${ROOT}bench/passthrough.ts`, input, output],
    requires: ["bench/passthrough.ts"],
  },
  {
    name: "deid default profile (engine, file to file)",
    workload: W2_MULTIFRAME,
    command: (
      input,
      output,
    ) => [DENO, "run", "-A", `${ROOT}bench/anonymize_file.ts`, input, output],
    requires: ["bench/anonymize_file.ts"],
  },
  ...[W1_CT_SERIES, W2_MULTIFRAME, W3_TINY_FILES].map((workload): Row => ({
    name: "deid CLI (main.ts anonymize, default profile)",
    workload,
    command: cliCommand,
    requires: ["main.ts", "cli/anonymize.ts"],
  })),
  // What the kernel copy of Pixel Data (cli/kernel_copy.ts; files of 1 MiB and more) is worth.
  {
    name: "deid CLI, kernel copy off (DEID_KERNEL_COPY=off)",
    workload: W2_MULTIFRAME,
    command: (input, output) => ["env", "DEID_KERNEL_COPY=off", ...cliCommand(input, output)],
    requires: ["main.ts", "cli/anonymize.ts"],
    commands: ["env"],
  },
  ...[W1_CT_SERIES, W2_MULTIFRAME, W3_TINY_FILES].map((workload): Row => ({
    name: "GDCM gdcmanon 3.0 (Basic Profile)",
    workload,
    command: (input, output) => [`${ROOT}bench/gdcmanon.sh`, input, output],
    commands: ["gdcmanon", "openssl"],
  })),
];

const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `argv` once into a fresh output path under bench/work/out/, then deletes the output. */
async function measureOnce(tool: string, argv: (out: string) => string[]) {
  await Deno.mkdir(`${BENCH_WORK}out`, { recursive: true });
  const out = `${BENCH_WORK}out/${tool.replace(/[^A-Za-z0-9]+/g, "_")}`;
  const m = await measureCommand(argv(out));
  if (m.ok && !existsSync(out)) Object.assign(m, { ok: false, error: "no output written" });
  await Deno.remove(out, { recursive: true }).catch(() => {});
  console.log(
    `  ${tool.padEnd(36)} ${m.seconds.toFixed(2).padStart(7)} s  ` +
      `${m.peakRssMb.toFixed(0).padStart(5)} MB${m.ok ? "" : `  FAILED: ${m.error}`}`,
  );
  return m;
}

/** Accumulated runs of one tool. */
interface Tally {
  tool: string;
  row?: Row;
  times: number[];
  rssMb: number;
  note?: string;
}

/** Runs cp and the rows of one workload, interleaved run by run, into report rows. */
async function benchWorkload(w: Workload, rows: Row[], quick: boolean, runs: number) {
  const input = await w.prepare(quick);
  const cpArgs = (out: string) => ["cp", "-r", input.path, out];
  console.log(`${w.name}: ${input.description}`);
  await measureOnce("cp (warm-up, not counted)", cpArgs);
  const cp: Tally = { tool: "cp", times: [], rssMb: 0 };
  const tallies: Tally[] = [cp];
  for (const row of rows) {
    const missing = [
      ...(row.requires ?? []).filter((f) => !existsSync(`${ROOT}${f}`)),
      ...(row.commands ?? []).filter((c) => !onPath(c)),
    ];
    const note = missing.length ? `skipped: ${missing.join(", ")} not found` : undefined;
    tallies.push({ tool: row.name, row, times: [], rssMb: 0, note });
  }
  for (let i = 0; i < runs; i++) {
    for (const t of tallies) {
      if (t.note?.startsWith("skipped")) continue;
      const m = await measureOnce(
        t.tool,
        (out) => t.row ? t.row.command(input.path, out) : cpArgs(out),
      );
      t.times.push(m.seconds);
      t.rssMb = Math.max(t.rssMb, m.peakRssMb);
      if (!m.ok) t.note ??= `failed: ${m.error}`;
    }
  }
  const cpSeconds = median(cp.times);
  const date = new Date().toISOString();
  return tallies.map((t): ResultRow => {
    const s = t.note ? NaN : median(t.times);
    return {
      workload: w.name,
      input: input.description,
      tool: t.tool,
      seconds: s,
      ratioToCp: s / cpSeconds,
      mbPerSecond: input.bytes / s / 1e6,
      filesPerSecond: input.files / s,
      peakRssMb: t.note ? NaN : t.rssMb,
      runs: t.times.length,
      date,
      note: t.note,
    };
  });
}

function onPath(command: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => existsSync(`${dir}/${command}`));
}

function existsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function readJson<T>(path: string): Promise<T | null> {
  return await Deno.readTextFile(path).then((t) => JSON.parse(t) as T, () => null);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      runs: { type: "string" },
      extra: { type: "string", multiple: true, default: [] },
    },
  });
  const quick = values.quick;
  const runs = Number(values.runs ?? (quick ? 1 : 3));
  const only = values.only?.toLowerCase();
  const rows = ROWS.concat(values.extra.map((spec) => {
    const [name, cmd] = [spec.slice(0, spec.indexOf("=")), spec.slice(spec.indexOf("=") + 1)];
    if (!name || !cmd.includes("{in}")) {
      throw new TypeError(`--extra: expected TOOL=CMD {in} {out}`);
    }
    const words = cmd.trim().split(/\s+/);
    return {
      name,
      workload: W2_MULTIFRAME,
      command: (i: string, o: string) => words.map((w) => w.replace("{in}", i).replace("{out}", o)),
    };
  }));
  const picked = rows.filter((r) =>
    !only || `${r.name}\n${r.workload.name}`.toLowerCase().includes(only)
  );
  const doFiles = !only || only !== "duplex";
  const doDuplex = !only || only === "duplex";
  if (doFiles && picked.length === 0) {
    console.error(`--only ${only}: no such row (${rows.map((r) => r.name).join("; ")}) or duplex`);
    Deno.exit(2);
  }
  const suffix = quick ? ".quick" : "";
  const resultsJson = `${BENCH_WORK}results${suffix}.json`;
  const duplexJson = `${BENCH_WORK}duplex${suffix}.json`;
  await Deno.mkdir(BENCH_WORK, { recursive: true });
  const machine = await describeMachine(BENCH_WORK);

  // With --only, rows measured earlier stay in the report; a full run replaces them all.
  let results: ResultRow[] = only ? (await readJson<ResultRow[]>(resultsJson)) ?? [] : [];
  if (doFiles) {
    for (const w of new Set(picked.map((r) => r.workload))) {
      const fresh = await benchWorkload(w, picked.filter((r) => r.workload === w), quick, runs);
      const key = (r: ResultRow) => `${r.workload}\n${r.tool}`;
      const keys = new Set(fresh.map(key));
      results = results.filter((r) => !keys.has(key(r))).concat(fresh);
    }
    // Per workload, cp first; otherwise keep the order the rows were measured in.
    results.sort((a, b) =>
      a.workload.localeCompare(b.workload) || Number(b.tool === "cp") - Number(a.tool === "cp")
    );
    await Deno.writeTextFile(resultsJson, JSON.stringify(results, null, 2) + "\n");
  }
  let duplex = await readJson<DuplexReport>(duplexJson);
  if (doDuplex) {
    duplex = await runDuplex((await W2_MULTIFRAME.prepare(quick)).path, runs, duplexJson);
  }
  const report = quick ? `${BENCH_WORK}RESULTS.quick.md` : `${ROOT}bench/RESULTS.md`;
  await Deno.writeTextFile(report, renderResults(machine, results, duplex, new Date()));
  await Deno.remove(`${BENCH_WORK}out`, { recursive: true }).catch(() => {});
  console.log(`wrote ${report}`);
}
