/**
 * Runs a range of fuzz cases in this process and prints one JSON line per case (index,
 * outcome, milliseconds, resident memory), then a summary line with the peak RSS (VmHWM).
 * Started by fuzz_runner.ts with a bounded V8 heap, so a memory blow-up kills only this
 * worker, and the last line printed names the case that caused it.
 *
 *   deno run -A tests/fuzz/fuzz_worker.ts --seed 1 --from 0 --to 1000 [--mode truncate]
 *     [--dump DIR --dump-every 10]
 */
import { parseArgs } from "node:util";
import {
  type FuzzInput,
  loadCorpus,
  randomCase,
  runCase,
  truncationCase,
  truncationCases,
} from "./fuzz_case.ts";

/** One line per case on stdout. */
export interface CaseLine {
  i: number;
  /** Overall outcome, then codec and de-identification outcomes. */
  o: "ok" | "parse-error" | "bug";
  codec: string;
  deid: string;
  ms: number;
  rssMb: number;
  file: string;
  what?: string;
  problems?: string[];
  /** Path of the de-identified output written for the dcmdump sample. */
  dumped?: string;
}

/** The last line: totals of this worker. */
export interface SummaryLine {
  done: number;
  peakRssMb: number;
}

/** Peak resident set size of this process (VmHWM), in MB. */
export function peakRssMb(pid: number | "self" = "self"): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seed: { type: "string", default: "1" },
      from: { type: "string", default: "0" },
      to: { type: "string" },
      mode: { type: "string", default: "random" },
      dump: { type: "string" },
      "dump-every": { type: "string", default: "0" },
    },
  });
  const corpus = await loadCorpus();
  const seed = Number(values.seed);
  const truncations = values.mode === "truncate" ? truncationCases(corpus) : [];
  const from = Number(values.from);
  const to = Math.min(
    Number(values.to ?? Infinity),
    values.mode === "truncate" ? truncations.length : Infinity,
  );
  const every = Number(values["dump-every"]);
  const encoder = new TextEncoder();
  const write = (line: unknown) =>
    Deno.stdout.writeSync(encoder.encode(JSON.stringify(line) + "\n"));
  for (let i = from; i < to; i++) {
    const input: FuzzInput = values.mode === "truncate"
      ? truncationCase(corpus, truncations[i])
      : randomCase(corpus, seed, i);
    const started = performance.now();
    const r = runCase(input.bytes, input.chunk);
    const ms = performance.now() - started;
    const line: CaseLine = {
      i,
      o: r.outcome,
      codec: r.codec.kind === "ok" ? "ok" : r.codec.message.replace(/ at offset.*/, ""),
      deid: r.deid.kind === "ok" ? "ok" : r.deid.message.replace(/ at offset.*/, ""),
      ms: Math.round(ms * 10) / 10,
      rssMb: Math.round(Deno.memoryUsage().rss / 1e5) / 10,
      file: input.file,
    };
    if (r.outcome === "bug" || ms > 500) Object.assign(line, { what: input.what });
    if (r.outcome === "bug") line.problems = r.problems;
    if (values.dump && every > 0 && i % every === 0 && r.deid.kind === "ok") {
      line.dumped = `${values.dump}/case_${i}.dcm`;
      await Deno.writeFile(line.dumped, r.deid.output);
    }
    write(line);
  }
  write({ done: Math.max(0, to - from), peakRssMb: peakRssMb() } satisfies SummaryLine);
}
