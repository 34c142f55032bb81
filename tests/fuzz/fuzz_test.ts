// Fuzzing in the normal suite (issue 9), bounded to well under a minute: 2,000 fixed-seed
// mutated corpus files in worker subprocesses, a dcmdump check of a sample of the outputs, and
// the hostile inputs mutation cannot reach (deep nesting, millions of elements, long padding)
// streamed in subprocesses with a bounded heap. bench/soak.ts runs the long version.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { dcmdumpCheck } from "../support/independent_reader.ts";
import { runFuzz, WORKER_ENV, WORKER_V8_FLAGS } from "./fuzz_runner.ts";
import {
  deepNesting,
  distinctNames,
  distinctPrivateTags,
  emptyElements,
  paddedUid,
} from "./hostile.ts";
import type { StreamResult } from "./stream_file.ts";

/** The fixed seed of the suite's cases (any change re-rolls all 2,000). */
const SEED = 20261125;
const CASES = 2_000;
/** Per case: the slowest real case takes ~0.1 s; a quadratic path took 1.2 s and more. */
const CASE_MS = 2_000;
/** Per worker process (Deno alone is ~60 MB, the corpus and modules ~30 MB more). */
const RSS_MB = 200;

const STREAM_FILE = fileURLToPath(new URL("./stream_file.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

Deno.test("runFuzz() ends 2,000 fixed-seed cases in output or a parse error, in time and memory", async (t) => {
  const dump = await Deno.makeTempDir({ prefix: "fuzz_" });
  try {
    const s = await runFuzz({
      seed: SEED,
      from: 0,
      to: CASES,
      batch: 250,
      parallel: 2,
      dumpDir: dump,
      dumpEvery: 5,
    });
    await t.step("every case ran and no worker hung or died", () => {
      assert.equal(s.cases, CASES);
      assert.deepEqual(s.failures, []);
    });
    await t.step("no case is a bug (other exception, leaky message, unreadable output)", () => {
      const bugs = s.bugs.map((b) =>
        `case ${b.i} (${b.file}, ${b.what}): ${b.problems?.join("; ")}`
      );
      assert.deepEqual(bugs, []);
    });
    await t.step("outcomes are a mix of outputs and parse errors", () => {
      assert.ok((s.outcomes["ok"] ?? 0) > CASES / 10, JSON.stringify(s.outcomes));
      assert.ok((s.outcomes["parse-error"] ?? 0) > CASES / 10, JSON.stringify(s.outcomes));
    });
    await t.step(`no case takes ${CASE_MS} ms, no worker reaches ${RSS_MB} MB`, () => {
      assert.ok(s.slowest!.ms < CASE_MS, `case ${s.slowest!.i}: ${s.slowest!.ms} ms`);
      assert.ok(s.maxRssMb < RSS_MB, `peak RSS by worker: ${JSON.stringify(s.peaks)}`);
    });
    await t.step("dcmdump reads a sample of ~100 outputs without E: errors", async () => {
      const sample = s.dumped.slice(0, 100);
      assert.ok(sample.length >= 50, `only ${sample.length} outputs sampled`);
      const failed: string[] = [];
      for (let i = 0; i < sample.length; i += 4) {
        const results = await Promise.all(sample.slice(i, i + 4).map(dcmdumpCheck));
        results.forEach((r, k) => {
          if (!r.ok) failed.push(`${sample[i + k]}: ${r.errors.join(" | ")}`);
        });
      }
      assert.deepEqual(failed, []);
    });
  } finally {
    await Deno.remove(dump, { recursive: true });
  }
});

/** Streams `bytes` through a subprocess with the workers' heap limits; kills it after 30 s. */
async function streamInSubprocess(bytes: Uint8Array, mode: "codec" | "deid") {
  const path = await Deno.makeTempFile({ prefix: "fuzz_hostile_", suffix: ".dcm" });
  try {
    await Deno.writeFile(path, bytes);
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        `--config=${CONFIG}`,
        `--v8-flags=${WORKER_V8_FLAGS}`,
        STREAM_FILE,
        path,
        mode,
      ],
      env: WORKER_ENV,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const { code, stdout, stderr } = await child.output();
    clearTimeout(timer);
    const text = new TextDecoder().decode(stdout).trim();
    assert.equal(
      code,
      0,
      `${mode} exited ${code}: ${new TextDecoder().decode(stderr).slice(-300)}`,
    );
    return JSON.parse(text) as StreamResult;
  } finally {
    await Deno.remove(path);
  }
}

for (const close of [0, 10_000]) {
  for (const mode of ["codec", "deid"] as const) {
    Deno.test(`DicomPipeline() (${mode}) rejects 10,000 nested sequences (${close} delimiters) fast and small`, async () => {
      const r = await streamInSubprocess(deepNesting(10_000, close), mode);
      assert.equal(r.name, "DicomParseError");
      assert.match(r.message!, /^Nesting deeper than 256 levels at offset 0x[0-9A-F]+$/);
      assert.ok(r.ms < CASE_MS, `${r.ms} ms`);
      assert.ok(r.peakRssMb < RSS_MB, `${r.peakRssMb} MB`);
    });
  }
}

/** Time bound of a hostile input: a guard against hangs (they take 0.1–3 s alone). */
const HOSTILE_MS = 30_000;

const HOSTILE: [string, () => Uint8Array, number][] = [
  // 16, 8 and 23 MB: each peaked over 200 MB (or ran the heap out) before the fixes.
  ["2,000,000 empty elements (held back whole)", () => emptyElements(2_000_000), HOSTILE_MS],
  [
    "1,000,000 distinct private tags (one report row each)",
    () => distinctPrivateTags(1_000_000),
    HOSTILE_MS,
  ],
  ["800,000 distinct names (each remembered)", () => distinctNames(800_000), HOSTILE_MS],
  // Quadratic padding trim: ~35 minutes before the fix.
  ["a 1 MiB UID of NUL padding then a digit", () => paddedUid(1024 * 1024), CASE_MS],
];

for (const [what, build, ms] of HOSTILE) {
  Deno.test(`createDeidentifier() streams ${what} within ${RSS_MB} MB`, async () => {
    const r = await streamInSubprocess(build(), "deid");
    assert.equal(r.outcome, "ok", `${r.name}: ${r.message}`);
    assert.ok(r.ms < ms, `${r.ms} ms`);
    assert.ok(r.peakRssMb < RSS_MB, `${r.peakRssMb} MB`);
  });
}
