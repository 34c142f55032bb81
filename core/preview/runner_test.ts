import assert from "node:assert/strict";
import { join } from "node:path";
import { corpusPath } from "../../tests/support/manifest.ts";
import { renderPreviewFile } from "./render.ts";
import { PreviewRunner } from "./runner.ts";

const CT = corpusPath("pydicom__CT_small.dcm");

Deno.test("PreviewRunner render() in its worker gives the in-thread PNG", async () => {
  const runner = new PreviewRunner();
  try {
    const outcome = await runner.render(CT, { maxSize: 256 });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.png, await renderPreviewFile(CT, { maxSize: 256 }));
    const none = await runner.render(corpusPath("pydicom__rtplan.dcm"), { maxSize: 256 });
    assert.deepEqual(none, { ok: false, reason: "no Pixel Data (7FE0,0010)", lasting: true });
    const missing = await runner.render("/nonexistent/x.dcm", { maxSize: 256 });
    assert.deepEqual(missing, { ok: false, failure: "NotFound" });
  } finally {
    runner.close();
  }
});

Deno.test("PreviewRunner render() terminates a rendering past its time limit and goes on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "runner-" });
  // A FIFO nobody writes to: opening it blocks the worker for good, like a stuck decoder.
  const fifo = join(dir, "stuck.dcm");
  assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
  const runner = new PreviewRunner({ timeoutMs: 1500 });
  try {
    const started = Date.now();
    const stuck = runner.render(fifo, { maxSize: 256 });
    const next = runner.render(CT, { maxSize: 256 });
    assert.deepEqual(await stuck, {
      ok: false,
      reason: "rendering took longer than 1.5 s",
      lasting: false,
    });
    assert.ok(Date.now() - started < 5000);
    assert.ok((await next).ok, "the job after it ran in a new worker");
  } finally {
    runner.close();
    // Release the blocked open (its worker is gone) so nothing is left waiting.
    (await Deno.open(fifo, { write: true })).close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PreviewRunner close() ends queued and running jobs", async () => {
  const runner = new PreviewRunner();
  const jobs = [runner.render(CT, { maxSize: 256 }), runner.render(CT, { maxSize: 256 })];
  runner.close();
  assert.deepEqual(await Promise.all(jobs), [
    { ok: false, failure: "RunnerClosed" },
    { ok: false, failure: "RunnerClosed" },
  ]);
  assert.deepEqual(await runner.render(CT, { maxSize: 256 }), {
    ok: false,
    failure: "RunnerClosed",
  });
});

Deno.test("PreviewRunner render() refuses jobs past its queue limit as busy", async () => {
  const runner = new PreviewRunner({ maxQueue: 2 });
  try {
    // The first job runs at once; two wait; the fourth finds the queue full.
    const jobs = [1, 2, 3, 4].map(() => runner.render(CT, { maxSize: 256 }));
    const outcomes = await Promise.all(jobs);
    assert.deepEqual(outcomes.map((o) => o.ok), [true, true, true, false]);
    assert.deepEqual(outcomes[3], {
      ok: false,
      reason: "the server is busy, try again",
      lasting: false,
    });
  } finally {
    runner.close();
  }
});

Deno.test("PreviewRunner render() in the calling thread when asked (bundled server)", async () => {
  const runner = new PreviewRunner({ useWorker: false });
  const outcome = await runner.render(CT, { maxSize: 256 });
  runner.close();
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.png, await renderPreviewFile(CT, { maxSize: 256 }));
});
