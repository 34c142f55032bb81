/**
 * Runs fuzz cases in worker subprocesses (fuzz_worker.ts), a bounded batch per process and a
 * few processes at a time, each with a bounded V8 heap. Watches every worker: its peak RSS
 * (VmHWM of /proc/PID/status, polled, and as reported by the worker), a case that prints no
 * line for `hangMs` (killed and reported as a hang), a worker that dies (reported as a crash
 * of the case after its last line, and the batch goes on after it).
 */
import { fileURLToPath } from "node:url";
import { type CaseLine, peakRssMb, type SummaryLine } from "./fuzz_worker.ts";

const WORKER = fileURLToPath(new URL("./fuzz_worker.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

/**
 * V8 limits of every worker. The old-space cap makes a heap blow-up fail fast; the 2 MB
 * semi-space keeps young-generation garbage (3 × 16 MB by default) from counting as RSS, so the
 * measured peak is about the cases, not the collector's slack (3,000 cases: 290 → 178 MB).
 */
export const WORKER_V8_FLAGS = "--max-old-space-size=200,--max-semi-space-size=2";

/**
 * glibc malloc settings of every worker: hand freed buffers back to the system promptly, so
 * a worker's RSS follows what its cases hold rather than what the allocator keeps in reserve
 * after a few multi-megabyte inputs (peaks over 2,000 cases: up to 193 MB → see the report).
 */
export const WORKER_ENV = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: "65536",
  MALLOC_TRIM_THRESHOLD_: "131072",
};

/** What to run. */
export interface FuzzRunOptions {
  seed: number;
  /** Case indices [from, to). */
  from: number;
  to: number;
  /** "random": mutated corpus files; "truncate": every element boundary of every file. */
  mode?: "random" | "truncate";
  /** Cases per worker process (a fresh heap each). */
  batch?: number;
  /** Workers at a time. */
  parallel?: number;
  /** A case printing nothing for this long is a hang. */
  hangMs?: number;
  /** Writes the de-identified output of every `dumpEvery`-th case that succeeds into `dumpDir`. */
  dumpDir?: string;
  dumpEvery?: number;
  /** Called for every case line (progress). */
  onLine?: (line: CaseLine) => void;
}

/** A case that broke its worker. */
export interface WorkerFailure {
  i: number;
  reason: string;
}

/** Totals of a run. */
export interface FuzzRunSummary {
  cases: number;
  /** Overall outcome counts: ok, parse-error, bug. */
  outcomes: Record<string, number>;
  /** Codec-only and de-identification outcomes by message template ("ok" or the message). */
  codec: Record<string, number>;
  deid: Record<string, number>;
  /** Cases whose checks failed. */
  bugs: CaseLine[];
  /** Hangs and worker deaths. */
  failures: WorkerFailure[];
  slowest: CaseLine | undefined;
  /** Largest worker peak RSS. */
  maxRssMb: number;
  /** Peak RSS of each worker process, by the first case it ran. */
  peaks: { from: number; peakRssMb: number }[];
  /** Paths of dumped outputs. */
  dumped: string[];
  seconds: number;
}

/** Runs cases [from, to) and returns the totals (never throws for a failing case). */
export async function runFuzz(options: FuzzRunOptions): Promise<FuzzRunSummary> {
  const started = performance.now();
  const batch = options.batch ?? 250;
  const summary: FuzzRunSummary = {
    cases: 0,
    outcomes: {},
    codec: {},
    deid: {},
    bugs: [],
    failures: [],
    slowest: undefined,
    maxRssMb: 0,
    peaks: [],
    dumped: [],
    seconds: 0,
  };
  const ranges: [number, number][] = [];
  for (let at = options.from; at < options.to; at += batch) {
    ranges.push([at, Math.min(options.to, at + batch)]);
  }
  const next = () => ranges.shift();
  const lane = async () => {
    for (let r = next(); r; r = next()) await runRange(r[0], r[1], options, summary);
  };
  await Promise.all(Array.from({ length: options.parallel ?? 2 }, lane));
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

/** Runs one range in workers, restarting after the case that killed or hung one. */
async function runRange(
  from: number,
  to: number,
  options: FuzzRunOptions,
  summary: FuzzRunSummary,
): Promise<void> {
  while (from < to) {
    const last = await runWorker(from, to, options, summary);
    if (last.failure === undefined) return;
    summary.failures.push({ i: last.next, reason: last.failure });
    summary.cases++;
    from = last.next + 1;
  }
}

async function runWorker(
  from: number,
  to: number,
  options: FuzzRunOptions,
  summary: FuzzRunSummary,
): Promise<{ next: number; failure?: string }> {
  const args = [
    "run",
    "-A",
    `--config=${CONFIG}`,
    `--v8-flags=${WORKER_V8_FLAGS}`,
    WORKER,
    `--seed=${options.seed}`,
    `--from=${from}`,
    `--to=${to}`,
    `--mode=${options.mode ?? "random"}`,
  ];
  if (options.dumpDir && options.dumpEvery) {
    args.push(`--dump=${options.dumpDir}`, `--dump-every=${options.dumpEvery}`);
  }
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: WORKER_ENV,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid))), 50);
  const stderr = new Response(child.stderr).text();
  let nextCase = from;
  let done = false;
  let hung = false;
  const hangMs = options.hangMs ?? 10_000;
  const kill = () => {
    hung = true;
    try {
      child.kill("SIGKILL");
    } catch { /* it ended meanwhile */ }
  };
  let watchdog = setTimeout(kill, hangMs);
  const lines = child.stdout.pipeThrough(new TextDecoderStream());
  let buffered = "";
  for await (const text of lines) {
    buffered += text;
    let nl;
    while ((nl = buffered.indexOf("\n")) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as CaseLine | SummaryLine;
      buffered = buffered.slice(nl + 1);
      clearTimeout(watchdog);
      watchdog = setTimeout(kill, hangMs);
      if ("done" in line) {
        done = true;
        peak = Math.max(peak, line.peakRssMb);
        continue;
      }
      nextCase = line.i + 1;
      record(line, summary, options);
    }
  }
  clearTimeout(watchdog);
  const status = await child.status;
  clearInterval(poll);
  summary.maxRssMb = Math.max(summary.maxRssMb, peak);
  summary.peaks.push({ from, peakRssMb: Math.round(peak) });
  const tail = (await stderr).trim().split("\n").slice(-3).join(" | ");
  if (done && status.success) return { next: nextCase };
  const failure = hung
    ? `hang: no result within ${hangMs} ms`
    : `worker died (code ${status.code}, signal ${status.signal}): ${tail}`;
  return { next: nextCase, failure };
}

function record(line: CaseLine, summary: FuzzRunSummary, options: FuzzRunOptions): void {
  summary.cases++;
  const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  count(summary.outcomes, line.o);
  count(summary.codec, line.codec);
  count(summary.deid, line.deid);
  if (line.o === "bug") summary.bugs.push(line);
  if (!summary.slowest || line.ms > summary.slowest.ms) summary.slowest = line;
  if (line.dumped) summary.dumped.push(line.dumped);
  options.onLine?.(line);
}
