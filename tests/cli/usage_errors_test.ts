import assert from "node:assert/strict";
import { join } from "node:path";
import { listTree, placeCorpus, runCli, withTempDir } from "./cli_helpers.ts";

Deno.test("anonymize exits 2 on usage errors and touches nothing", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await placeCorpus(input, { "ct.dcm": "pydicom__CT_small.dcm" });
    const out = join(dir, "out");
    const badJson = join(dir, "bad.json");
    await Deno.writeTextFile(badJson, '{"(0x0010, 0x0020)": "keep",');
    const badAction = join(dir, "bad_action.json");
    await Deno.writeTextFile(badAction, '{"PatientID": "shred"}');
    const cases: [string[], RegExp][] = [
      [[input, out, "--frobnicate"], /unknown option/],
      [[input, out, "--dictionary", badJson], /bad\.json: not valid JSON/],
      [[input, out, "--dictionary", badAction], /unknown action/],
      [[input, out, "--dictionary", join(dir, "missing.json")], /cannot read --dictionary/],
      [[input, out, "--profile", "nope"], /Unknown de-identification profile "nope"/],
      [[input, out, "--profile", "ps315-basic", "--option", "nope"], /nope/],
      [[input, out, "-t", "PatientID", "obliterate"], /-t #1: unknown action/],
      [[input, out, "-t", "PatientName", "replace_with_value"], /-t #1 needs 3 values/],
      [[join(dir, "missing"), out], /IN not found/],
      [[input, input], /OUT is the same path as IN/],
      [[input, join(input, "sub")], /OUT is inside IN/],
      [[input, out, "--key-file", join(dir, "no.key")], /--key-file not found/],
      [[input], /expected IN and OUT/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(["anonymize", ...args])));
    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `case ${i}: ${run.stderr}`);
      assert.match(run.stderr, cases[i][1], `case ${i}`);
    });
    assert.deepEqual(await listTree(dir), ["bad.json", "bad_action.json", "in/ct.dcm"]);
  });
});

Deno.test("anonymize --allow-output-inside-input writes into IN without reading OUT back", async () => {
  await withTempDir(async (dir) => {
    await placeCorpus(dir, { "ct.dcm": "pydicom__CT_small.dcm" });
    const out = join(dir, "anon");
    const args = ["anonymize", dir, out, "-q", "--allow-output-inside-input"];
    assert.equal((await runCli(args)).code, 0);
    assert.equal((await runCli([...args, "--overwrite"])).code, 0, "a second run skips anon/");
    assert.deepEqual(await listTree(dir), ["anon/ct.dcm", "ct.dcm"]);
  });
});

Deno.test("main.ts prints help and version, and rejects unknown commands", async () => {
  const help = await runCli(["anonymize", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /-t '\(0x0008, 0x0020\)' regexp '0701\$' '0000'/);
  const version = await runCli(["--version"]);
  assert.match(version.stdout, /^deid \d+\.\d+\.\d+ \(Deno /);
  assert.equal((await runCli(["frobnicate"])).code, 2);
});
