/**
 * A short load test (seconds): 8 concurrent streaming uploads of ~5 MB files and, at the same
 * time, 2 concurrent batch uploads of 20 files. Zero errors, every output valid for dcmdump,
 * and phi_check finds nothing. The long version is bench/load.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeStudy, phiCheck } from "../support/anonymize_tree.ts";
import { startTestServer } from "../http/_harness.ts";
import { AUTH } from "../http/_batches.ts";
import { files } from "./_util.ts";
import { batchOnce, dcmdumpFailures, readStudy, streamOnce, writeOut } from "./_load.ts";

Deno.test("POST /api/anonymize x8 and two 20-file batches at once: no error, valid, no PHI", async () => {
  const dir = await Deno.makeTempDir({ prefix: "deid-load-" });
  const t = await startTestServer();
  try {
    const [bigStudy, smallStudy] = await Promise.all([
      // 8 images of 1600×1600×16 bit: ~5 MB each.
      makeStudy(join(dir, "big"), [
        "--patients",
        "1",
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
      // 2 patients × 2 series × 5 images of 512×512: 20 files. Flat names: the batch ZIP
      // renames folders named after a removed value, and phi_check matches by path.
      makeStudy(join(dir, "small"), [
        "--patients",
        "2",
        "--studies",
        "1",
        "--series",
        "2",
        "--images",
        "5",
      ]),
    ]);
    const big = await readStudy(bigStudy);
    const small = await readStudy(smallStudy);
    assert.equal(big.length, 8);
    assert.equal(small.length, 20);
    assert.ok(big.every((f) => f.bytes.length > 5_000_000));

    const start = performance.now();
    const [streamed, batches] = await Promise.all([
      Promise.all(big.map(async (f) => ({ rel: f.rel, out: await streamOnce(t.url, AUTH, f) }))),
      Promise.all([0, 1].map(() => batchOnce(t.url, AUTH, small))),
    ]);
    const seconds = (performance.now() - start) / 1000;
    const mb = (big.length * big[0].bytes.length + 2 * small.reduce((n, f) =>
          n + f.bytes.length, 0)) / 1e6;
    console.log(
      `${mb.toFixed(0)} MB in ${seconds.toFixed(1)} s (${(mb / seconds).toFixed(0)} MB/s)`,
    );

    const streamDir = join(dir, "out-stream");
    for (const s of streamed) await writeOut(streamDir, s.rel, s.out);
    const batchDirs = [join(dir, "out-batch0"), join(dir, "out-batch1")];
    for (const [i, entries] of batches.entries()) {
      assert.deepEqual(Object.keys(entries).sort(), small.map((f) => f.rel));
      for (const [rel, bytes] of Object.entries(entries)) await writeOut(batchDirs[i], rel, bytes);
    }
    const outputs = [streamDir, ...batchDirs].flatMap((d) => files(d).map((f) => join(d, f)));
    assert.equal(outputs.length, 8 + 40);
    assert.deepEqual(await dcmdumpFailures(outputs), []);
    assert.deepEqual((await phiCheck(bigStudy, streamDir)).hits, []);
    for (const d of batchDirs) assert.deepEqual((await phiCheck(smallStudy, d)).hits, []);
    const failures = t.logs.filter((l) => /"level":"(warn|error)"/.test(l));
    assert.deepEqual(failures, [], "no request failed or was cut off");
  } finally {
    await t.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
