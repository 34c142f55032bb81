/**
 * The long fuzz run of issue 9: every element-boundary truncation of every corpus file, then
 * `--cases` (default 100,000) random mutations, in worker subprocesses with bounded heaps;
 * reports outcomes, the slowest case and the largest worker RSS, checks a sample of outputs
 * with dcmdump, and writes bench/SOAK.md (bench/RESULTS.md is regenerated from
 * bench/work/results.json by bench/run.ts, so the soak keeps its own file) and
 * bench/work/soak.json.
 *
 *   deno run -A bench/soak.ts [--cases 100000] [--seed 1] [--parallel N] [--batch 500]
 *     [--no-truncations] [--dcmdump 500]
 *
 * Replay one case: deno run -A tests/fuzz/fuzz_case.ts --seed S --index I --write case.dcm
 */
import { parseArgs } from "node:util";
import { runFuzz } from "../tests/fuzz/fuzz_runner.ts";
import { loadCorpus, truncationCases } from "../tests/fuzz/fuzz_case.ts";
import { dcmdumpCheck } from "../tests/support/independent_reader.ts";
import { describeMachine } from "./report.ts";
import { renderSoak, type SoakPass } from "./soak_report.ts";
import { BENCH_WORK } from "./workloads.ts";

const ROOT = new URL("../", import.meta.url).pathname;

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      cases: { type: "string", default: "100000" },
      seed: { type: "string", default: "1" },
      parallel: { type: "string", default: String(navigator.hardwareConcurrency) },
      batch: { type: "string", default: "500" },
      "no-truncations": { type: "boolean", default: false },
      dcmdump: { type: "string", default: "500" },
      out: { type: "string", default: `${ROOT}bench/SOAK.md` },
    },
  });
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  const parallel = Number(values.parallel);
  const batch = Number(values.batch);
  const sample = Number(values.dcmdump);
  await Deno.mkdir(BENCH_WORK, { recursive: true });
  const machine = await describeMachine(BENCH_WORK);
  const dump = await Deno.makeTempDir({ prefix: "soak_" });
  const passes: SoakPass[] = [];
  let done = 0;
  let lastReport = performance.now();
  const progress = (total: number) => () => {
    done++;
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      console.log(`  ${done.toLocaleString("en")} / ${total.toLocaleString("en")} cases`);
    }
  };
  try {
    if (!values["no-truncations"]) {
      const count = truncationCases(await loadCorpus()).length;
      console.log(`truncation at every element boundary: ${count} cases`);
      done = 0;
      const summary = await runFuzz({
        seed: 0,
        from: 0,
        to: count,
        mode: "truncate",
        batch,
        parallel,
        onLine: progress(count),
      });
      passes.push({ name: "Truncation at every element boundary", seed: 0, summary });
    }
    console.log(`random mutations: ${cases} cases, seed ${seed}`);
    done = 0;
    // Every k-th successful output is kept for dcmdump; about a quarter of cases succeed.
    const dumpEvery = Math.max(1, Math.floor(cases / Math.max(1, sample) / 4));
    const summary = await runFuzz({
      seed,
      from: 0,
      to: cases,
      batch,
      parallel,
      dumpDir: dump,
      dumpEvery,
      onLine: progress(cases),
    });
    passes.push({ name: "Random mutations", seed, summary });
    const sampled = summary.dumped.slice(0, sample);
    console.log(`dcmdump on ${sampled.length} outputs`);
    const dcmdumpFailed: string[] = [];
    for (let i = 0; i < sampled.length; i += 8) {
      const group = sampled.slice(i, i + 8);
      const results = await Promise.all(group.map(dcmdumpCheck));
      results.forEach((r, k) => {
        if (!r.ok) dcmdumpFailed.push(`${group[k].split("/").pop()}: ${r.errors.join(" | ")}`);
      });
    }
    const extras = { dcmdumpChecked: sampled.length, dcmdumpFailed, batch, parallel };
    await Deno.writeTextFile(
      `${BENCH_WORK}soak.json`,
      JSON.stringify({ machine, passes, extras }, null, 1) + "\n",
    );
    await Deno.writeTextFile(values.out, renderSoak(machine, passes, extras, new Date()));
    // Formatted as `deno task check` expects (SOAK.md is not excluded from `deno fmt` there).
    await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--quiet", `--config=${ROOT}deno.json`, values.out],
    }).output();
    for (const p of passes) {
      const s = p.summary;
      console.log(
        `${p.name}: ${s.cases} cases, ${JSON.stringify(s.outcomes)}, ` +
          `${s.failures.length} hangs/deaths, slowest ${s.slowest?.ms} ms (case ${s.slowest?.i}), ` +
          `max RSS ${s.maxRssMb.toFixed(0)} MB, ${s.seconds.toFixed(0)} s`,
      );
    }
    console.log(`dcmdump: ${sampled.length} checked, ${dcmdumpFailed.length} failed`);
    console.log(`wrote ${values.out}`);
  } finally {
    await Deno.remove(dump, { recursive: true });
  }
}
