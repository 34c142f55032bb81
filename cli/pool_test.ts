import assert from "node:assert/strict";
import { join } from "node:path";
import { planRun } from "./plan.ts";
import { runTasks } from "./pool.ts";
import type { FileResult, SerialConfig } from "./task.ts";

const CORPUS = new URL("../tests/fixtures/corpus/", import.meta.url).pathname;
const CONFIG: SerialConfig = { key: new Uint8Array(32).fill(7) };

/** A tree of `small` copies of CT_small (39 KB) and `large` of a 1.7 MB file, in 7 folders. */
async function makeTree(dir: string, small: number, large: number): Promise<void> {
  const ct = await Deno.readFile(join(CORPUS, "pydicom__CT_small.dcm"));
  const big = await Deno.readFile(join(CORPUS, "fodicom__HasFragmentSequence.dcm"));
  for (let i = 0; i < small + large; i++) {
    await Deno.mkdir(join(dir, `in/s${i % 7}`), { recursive: true });
    await Deno.writeFile(join(dir, `in/s${i % 7}/f${i}.dcm`), i < small ? ct : big);
  }
}

/** Plans IN → OUT and runs the pool; returns every result it reported, in arrival order. */
async function run(dir: string, jobs: number): Promise<{ results: FileResult[]; total: number }> {
  const plan = await planRun({
    input: join(dir, "in"),
    output: join(dir, `out${jobs}`),
    renameUid: false,
    overwrite: false,
    copyNonDicom: false,
    dryRun: false,
    allowOutputInsideInput: false,
  });
  const results: FileResult[] = [];
  const pool = runTasks(plan.tasks, {
    jobs,
    config: CONFIG,
    reportTags: false,
    onReply: (r) => r.type === "done" && results.push(r.result),
  });
  // A lost result leaves `done` pending for ever: fail instead of hanging the suite.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      pool.stop();
      reject(new Error(`stalled after ${results.length} of ${plan.tasks.length} results`));
    }, 120_000);
  });
  try {
    await Promise.race([pool.done, stalled]);
  } finally {
    clearTimeout(timer);
  }
  return { results, total: plan.tasks.length };
}

Deno.test("runTasks() gives each of 700 tasks exactly one result, with workers and without", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await makeTree(dir, 690, 10);
    for (const jobs of [2, 3, 1]) {
      const { results, total } = await run(dir, jobs);
      assert.equal(total, 700);
      assert.equal(results.length, 700, `jobs ${jobs}`);
      assert.deepEqual(new Set(results.map((r) => r.id)).size, 700);
      assert.ok(results.every((r) => r.status === "ok"), `jobs ${jobs}`);
      assert.ok(results.every((r) => r.report && r.report.tags.length === 0));
      for (const r of results.filter((r) => r.id % 97 === 0)) {
        await Deno.stat(join(dir, `out${jobs}`, r.output!));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runTasks() spreads a run of 3 files over the workers and finishes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await makeTree(dir, 3, 0);
    const { results } = await run(dir, 4);
    assert.deepEqual(results.map((r) => r.id).toSorted(), [0, 1, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
