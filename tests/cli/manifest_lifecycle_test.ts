/** `anonymize --manifest` over a run's life: dry run, an existing manifest, a killed run. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CORPUS, listTree, makeStudy, runCli, signalMidRun, withTempDir } from "./cli_helpers.ts";
import { checkManifest } from "../support/audit_manifest.ts";

Deno.test("anonymize --manifest: a dry run writes none; an existing one is refused (exit 2)", async () => {
  await withTempDir(async (dir) => {
    const data = join(dir, "data");
    const input = join(dir, "in");
    await Deno.mkdir(input);
    await Deno.copyFile(join(CORPUS, "pydicom__CT_small.dcm"), join(input, "ct.dcm"));
    const manifest = join(dir, "m.jsonl");
    const env = { DATA_DIR: data };
    const dry = await runCli([
      "anonymize",
      input,
      join(dir, "o1"),
      "--manifest",
      manifest,
      "--dry-run",
    ], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /Dry run: no manifest written/);
    assert.deepEqual(await listTree(dir), ["in/ct.dcm"], "no manifest, no key, no output");

    // Without --signing-key the key is created under DATA_DIR, mode 0600.
    const first = await runCli(["anonymize", input, join(dir, "o2"), "--manifest", manifest], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Created manifest signing key .*manifest-signing\.pem/);
    const keyFile = join(data, "manifest-signing.pem");
    assert.equal((await Deno.stat(keyFile)).mode! & 0o777, 0o600);
    const before = await Deno.readTextFile(manifest);
    assert.deepEqual(checkManifest(before).problems, []);

    const again = await runCli(["anonymize", input, join(dir, "o3"), "--manifest", manifest], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists \(pass --overwrite/);
    assert.equal(await Deno.readTextFile(manifest), before, "the old manifest is untouched");
    assert.ok(!(await listTree(dir)).some((f) => f.startsWith("o3/")), "no file was touched");
  });
});

Deno.test("anonymize --manifest killed mid-run leaves no manifest under its final name", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "big"), ["--multiframe", "120M", "--only-multiframe"]);
    const [big] = (await listTree(study)).filter((f) => f.endsWith(".dcm"));
    for (const signal of ["SIGKILL", "SIGTERM"] as const) {
      const out = join(dir, `out-${signal}`), manifests = join(dir, `m-${signal}`);
      await Deno.mkdir(out);
      await Deno.mkdir(manifests);
      const args = [join(study, big), out, "-q", "--manifest", join(manifests, "m.jsonl")];
      args.push("--signing-key", join(dir, "sign.pem"));
      const { sent } = await signalMidRun(args, out, signal, 30_000);
      assert.ok(sent, "the run finished before it could be stopped");
      const left = await listTree(manifests);
      assert.ok(!left.includes("m.jsonl"), `${signal}: a manifest under its final name`);
      if (signal === "SIGKILL") assert.match(left.join(), /^\.m\.jsonl\.partial-\d+$/);
      else assert.deepEqual(left, [], "SIGTERM removes the partial manifest");
    }
  });
});
