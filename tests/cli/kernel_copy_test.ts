// The CLI's kernel copy of Pixel Data (cli/kernel_copy.ts) against the same run with it off:
// byte-identical outputs for a study whose multi-frame file takes the streamed path (the copy)
// beside slices that do not, and the same failure for a file cut inside Pixel Data.
import assert from "node:assert/strict";
import { firstDifference } from "../support/first_difference.ts";
import { join } from "node:path";
import { listTree, makeStudy, runCli, withTempDir } from "./cli_helpers.ts";
import { phiCheck } from "../support/anonymize_tree.ts";
import { dcmdumpCheck } from "../support/independent_reader.ts";

const OFF = { DEID_KERNEL_COPY: "off" };

Deno.test("anonymize writes the same bytes with and without the kernel copy", async () => {
  await withTempDir(async (dir) => {
    // Seed 5: the default seed's multi-frame patient is "Mary", which phi_check finds in
    // "PRIMARY" (it matches anywhere, not at word edges).
    const study = await makeStudy(join(dir, "in"), [
      "--seed",
      "5",
      "--rows",
      "512",
      "--cols",
      "512",
      "--images",
      "3",
      "--multiframe",
      "3M",
    ]);
    const on = await runCli(["anonymize", study, join(dir, "on"), "--quiet"]);
    const off = await runCli(["anonymize", study, join(dir, "off"), "--quiet"], OFF);
    assert.equal(on.code, 0, on.stderr);
    assert.equal(off.code, 0, off.stderr);
    const files = await listTree(join(dir, "on"));
    assert.deepEqual(files, await listTree(join(dir, "off")));
    assert.ok(files.some((f) => f.startsWith("mf_")), "the multi-frame file is there");
    assert.equal(files.filter((f) => f.endsWith(".dcm")).length, 4);
    for (const f of files) {
      const a = await Deno.readFile(join(dir, "on", f));
      assert.equal(firstDifference(a, await Deno.readFile(join(dir, "off", f))), -1, f);
      assert.ok(a.length > 500_000, `${f} has its pixels`);
      assert.deepEqual((await dcmdumpCheck(join(dir, "on", f))).errors, [], f);
    }
    assert.deepEqual((await phiCheck(study, join(dir, "on"))).hits, []);
  });
});

Deno.test("anonymize fails a multi-frame file cut inside Pixel Data alike with the kernel copy on and off", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "made"), [
      "--rows",
      "512",
      "--cols",
      "512",
      "--multiframe",
      "3M",
      "--only-multiframe",
    ]);
    const name = (await listTree(study)).find((f) => f.startsWith("mf_"))!;
    const bytes = await Deno.readFile(join(study, name));
    await Deno.mkdir(join(dir, "in"));
    await Deno.writeFile(join(dir, "in", name), bytes.subarray(0, bytes.length - 1_000_001));
    const on = await runCli(["anonymize", join(dir, "in"), join(dir, "on"), "--json"]);
    const off = await runCli(["anonymize", join(dir, "in"), join(dir, "off"), "--json"], OFF);
    assert.equal(on.code, 1);
    assert.equal(off.code, 1);
    const error = (run: { stdout: string }) => JSON.parse(run.stdout).failed[0].error as string;
    assert.match(error(on), /Truncated value: 1000001 bytes missing/);
    assert.equal(error(on), error(off));
    assert.deepEqual(await listTree(join(dir, "on")).catch(() => []), []);
  });
});
