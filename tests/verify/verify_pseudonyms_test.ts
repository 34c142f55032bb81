// `anonymize --pseudonyms hash` writes pseudonyms where the profile empties or dummies the four
// identifiers: verify accepts them when the manifest (or --pseudonyms) says so, and only then.
import assert from "node:assert/strict";
import { join } from "node:path";
import { makeStudy, runCli, TEST_KEY_HEX, withTempDir } from "../cli/cli_helpers.ts";

Deno.test("verify accepts --pseudonyms outputs when the manifest says so, and flags them otherwise", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "study"), ["--patients", "2"]);
    const keyFile = join(dir, "deid.key");
    await Deno.writeTextFile(keyFile, TEST_KEY_HEX);
    const manifest = join(dir, "manifest.jsonl");
    const out = join(dir, "out");
    const run = await runCli([
      "anonymize",
      study,
      out,
      "-q",
      "--key-file",
      keyFile,
      "--pseudonyms",
      "hash",
      "--manifest",
      manifest,
      "--signing-key",
      join(dir, "signing.pem"),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const header = JSON.parse((await Deno.readTextFile(manifest)).split("\n")[0]);
    assert.equal(header.pseudonyms, "hash");

    const withManifest = await runCli([
      "verify",
      out,
      "--manifest",
      manifest,
      "--key-file",
      keyFile,
    ]);
    assert.equal(withManifest.code, 0, withManifest.stdout + withManifest.stderr);

    // Without the manifest the profile's rows apply unless --pseudonyms is given.
    const bare = await runCli(["verify", out, "--json"]);
    assert.equal(bare.code, 1);
    const checks = JSON.parse(bare.stdout).findings.map((f: { tag?: string }) => f.tag);
    for (const tag of ["(0010,0010)", "(0010,0020)"]) assert.ok(checks.includes(tag), tag);
    const told = await runCli(["verify", out, "--pseudonyms"]);
    assert.equal(told.code, 0, told.stdout + told.stderr);
    const both = await runCli(["verify", out, "--manifest", manifest, "--pseudonyms"]);
    assert.equal(both.code, 2);
  });
});
