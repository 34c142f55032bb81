/**
 * `anonymize --shard i/n` end to end: n sharded runs do exactly the files of one unsharded
 * run, each file once, with the same output paths and bytes (the key is fixed, so outputs are
 * deterministic); several shards can write into one shared OUT at the same time.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listTree, placeCorpus, runCli, withTempDir } from "../cli/cli_helpers.ts";

/** A nested input: 18 DICOM files in three levels, plus a non-DICOM file that is copied. */
const LAYOUT: Record<string, string> = {
  "CT_small.dcm": "pydicom__CT_small.dcm",
  "MR_small_implicit.dcm": "pydicom__MR_small_implicit.dcm",
  "p1/MR_bigendian.dcm": "pydicom__MR_small_bigendian.dcm",
  "p1/rtdose.dcm": "pydicom__rtdose.dcm",
  "p1/rtplan.dcm": "pydicom__rtplan.dcm",
  "p1/rtstruct.dcm": "pydicom__rtstruct.dcm",
  "p1/s1/JPEG-lossy.dcm": "pydicom__JPEG-lossy.dcm",
  "p1/s1/image_dfl.dcm": "pydicom__image_dfl.dcm",
  "p1/s1/waveform_ecg.dcm": "pydicom__waveform_ecg.dcm",
  "p2/test-SR.dcm": "pydicom__test-SR.dcm",
  "p2/priv_SQ.dcm": "pydicom__priv_SQ.dcm",
  "p2/nested_priv_SQ.dcm": "pydicom__nested_priv_SQ.dcm",
  "p2/s9/chrX1.dcm": "pydicom__chrX1.dcm",
  "p2/s9/chrX2.dcm": "pydicom__chrX2.dcm",
  "p2/s9/chrFren.dcm": "pydicom__chrFren.dcm",
  "p2/s9/emri_small.dcm": "pydicomdata__emri_small.dcm",
  "p3/multiframe.dcm": "fodicom__multiframe.dcm",
  "p3/sample-sr.dcm": "dcmjs__sample-sr.dcm",
  "p3/notes.json": "pydicom__test1.json",
};
const N = 3;
const BASE = ["--quiet", "--jobs", "2", "--copy-non-dicom"];

async function treeBytes(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const rel of await listTree(dir)) out.set(rel, await Deno.readFile(join(dir, rel)));
  return out;
}

async function anonymizeOk(args: string[]): Promise<void> {
  const r = await runCli(["anonymize", ...args]);
  assert.equal(r.code, 0, `anonymize ${args.join(" ")}: ${r.stderr}`);
}

Deno.test("anonymize --shard i/n together produce exactly the unsharded outputs, disjointly", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await placeCorpus(input, LAYOUT);
    await anonymizeOk([input, join(dir, "all"), ...BASE]);
    const all = await treeBytes(join(dir, "all"));
    assert.equal(all.size, Object.keys(LAYOUT).length);

    const shards = Array.from({ length: N }, (_, i) => join(dir, `shard${i + 1}`));
    await Promise.all(
      shards.map((out, i) => anonymizeOk([input, out, ...BASE, `--shard=${i + 1}/${N}`])),
    );
    const seen = new Map<string, number>();
    for (const [i, out] of shards.entries()) {
      const tree = await treeBytes(out).catch(() => new Map<string, Uint8Array>());
      for (const [rel, bytes] of tree) {
        assert.ok(!seen.has(rel), `${rel} in shard ${seen.get(rel)} and shard ${i + 1}`);
        seen.set(rel, i + 1);
        assert.deepEqual(bytes, all.get(rel), `${rel} differs from the unsharded run`);
      }
    }
    assert.deepEqual([...seen.keys()].sort(), [...all.keys()].sort());
    // 19 files over 3 shards: a hash that put everything in one shard would pass the above.
    assert.ok(new Set(seen.values()).size > 1, "all files landed in one shard");
  });
});

Deno.test("anonymize --shard i/n runs share one OUT folder without refusing each other", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await placeCorpus(input, LAYOUT);
    await anonymizeOk([input, join(dir, "all"), ...BASE]);
    const shared = join(dir, "shared");
    const runs = Array.from(
      { length: N },
      (_, i) => runCli(["anonymize", input, shared, `--shard`, `${i + 1}/${N}`, ...BASE]),
    );
    for (const r of await Promise.all(runs)) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await treeBytes(shared), await treeBytes(join(dir, "all")));
  });
});

Deno.test("anonymize --shard notes its share of the files on stderr", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await placeCorpus(input, LAYOUT);
    const r = await runCli(["anonymize", input, join(dir, "out"), "--shard", "1/1", "--jobs", "1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /shard 1\/1: 19 of 19 file\(s\)/);
  });
});

Deno.test("anonymize --shard with a bad spec exits 2 and writes nothing", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await placeCorpus(input, { "a.dcm": "pydicom__CT_small.dcm" });
    const out = join(dir, "out");
    for (const spec of ["0/3", "4/3", "1/0", "two/3", "1/3/3"]) {
      const r = await runCli(["anonymize", input, out, "--shard", spec]);
      assert.equal(r.code, 2, `--shard ${spec}: ${r.stderr}`);
      assert.match(r.stderr, /^error: --shard takes i\/n/m);
    }
    const missing = await runCli(["anonymize", input, out, "--shard"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--shard needs a value/);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  });
});
