import assert from "node:assert/strict";
import { join } from "node:path";
import { listTree, placeCorpus, runCli, withTempDir } from "./cli_helpers.ts";

/** A nested input with good, broken, non-DICOM and DICOMDIR files. */
async function makeInput(dir: string): Promise<string> {
  const input = join(dir, "in");
  await placeCorpus(input, {
    "a/b/ct.dcm": "pydicom__CT_small.dcm",
    "a/c/deflated.dcm": "pydicom__image_dfl.dcm",
    "a/b/broken.dcm": "pydicom__MR_truncated.dcm",
    "profile.icc": "pydicom__crayons.icc",
    "DICOMDIR": "pydicom__DICOMDIR",
  });
  await Deno.writeTextFile(join(input, "a/notes.txt"), "not DICOM\n");
  return input;
}

async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of await listTree(dir)) {
    const hash = await crypto.subtle.digest("SHA-256", await Deno.readFile(join(dir, rel)));
    out.set(rel, btoa(String.fromCharCode(...new Uint8Array(hash))));
  }
  return out;
}

Deno.test("anonymize keeps the tree, skips non-DICOM and DICOMDIR, reports the broken file", async () => {
  await withTempDir(async (dir) => {
    const input = await makeInput(dir);
    const before = await snapshot(input);
    const out = join(dir, "out");
    const report = join(dir, "report.json");
    const run = await runCli(["anonymize", input, out, "--report", report, "--jobs", "2"]);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(await listTree(out), ["a/b/ct.dcm", "a/c/deflated.dcm"]);
    assert.match(run.stderr, /error: a\/b\/broken\.dcm: .*at offset 0x[0-9A-F]+ in \(7FE0,0010\)/);
    assert.match(run.stderr, /skipped: DICOMDIR: .*regenerate/);
    assert.match(run.stderr, /not DICOM \(2\):\n {2}a\/notes\.txt\n {2}profile\.icc/);
    assert.deepEqual(await snapshot(input), before, "inputs are never modified");
    const doc = JSON.parse(await Deno.readTextFile(report));
    assert.deepEqual(
      [doc.totals.ok, doc.totals.failed, doc.totals.notDicom, doc.totals.dicomdir],
      [2, 1, 2, 1],
    );
    const ct = doc.files.find((f: { path: string }) => f.path === "a/b/ct.dcm");
    assert.equal(ct.status, "ok");
    assert.ok(ct.report.actions.delete > 0);
  });
});

Deno.test("anonymize --copy-non-dicom copies other files unchanged but never a DICOMDIR", async () => {
  await withTempDir(async (dir) => {
    const input = await makeInput(dir);
    const out = join(dir, "out");
    const run = await runCli(["anonymize", input, out, "--copy-non-dicom", "-q", "--jobs", "1"]);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(await listTree(out), [
      "a/b/ct.dcm",
      "a/c/deflated.dcm",
      "a/notes.txt",
      "profile.icc",
    ]);
    assert.deepEqual(
      await Deno.readFile(join(out, "profile.icc")),
      await Deno.readFile(join(input, "profile.icc")),
    );
  });
});

Deno.test("anonymize --dry-run writes nothing and says what would change", async () => {
  await withTempDir(async (dir) => {
    const input = await makeInput(dir);
    const out = join(dir, "out");
    const run = await runCli(["anonymize", input, out, "--dry-run", "--json"]);
    assert.equal(run.code, 1, run.stderr);
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
    assert.match(run.stderr, /would de-identify 2 file\(s\)/);
    assert.match(run.stderr, /actions: .*delete \d+/);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.dryRun, true);
    assert.equal(summary.totals.ok, 2);
    assert.deepEqual(summary.failed.map((f: { path: string }) => f.path), ["a/b/broken.dcm"]);
  });
});

Deno.test("anonymize refuses to overwrite outputs unless --overwrite is given", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await placeCorpus(input, { "x/ct.dcm": "pydicom__CT_small.dcm" });
    const out = join(dir, "out");
    assert.equal((await runCli(["anonymize", input, out, "-q"])).code, 0);
    const first = await Deno.readFile(join(out, "x/ct.dcm"));
    await Deno.writeTextFile(join(out, "x/ct.dcm"), "stale");
    const refused = await runCli(["anonymize", input, out, "-q"]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already exist.*--overwrite/);
    assert.equal(await Deno.readTextFile(join(out, "x/ct.dcm")), "stale");
    assert.equal((await runCli(["anonymize", input, out, "-q", "--overwrite"])).code, 0);
    assert.deepEqual(await Deno.readFile(join(out, "x/ct.dcm")), first, "same key, same output");
    assert.deepEqual(await listTree(out), ["x/ct.dcm"], "no partial left behind");
  });
});

Deno.test("anonymize writes a single file to a file path or into an existing folder", async () => {
  await withTempDir(async (dir) => {
    const src = join(dir, "ct.dcm");
    await placeCorpus(dir, { "ct.dcm": "pydicom__CT_small.dcm" });
    assert.equal((await runCli(["anonymize", src, join(dir, "new/anon.dcm"), "-q"])).code, 0);
    await Deno.mkdir(join(dir, "folder"));
    assert.equal((await runCli(["dicom-anonymizer", src, join(dir, "folder"), "-q"])).code, 0);
    assert.deepEqual(await listTree(dir), ["ct.dcm", "folder/ct.dcm", "new/anon.dcm"]);
  });
});
