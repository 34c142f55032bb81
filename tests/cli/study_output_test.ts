import assert from "node:assert/strict";
import { join } from "node:path";
import { listTree, makeStudy, plantedValues, ROOT, runCli, withTempDir } from "./cli_helpers.ts";

Deno.test("anonymize leaves no planted PHI in a made study (phi_check, nothing skipped)", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "study"), [
      "--patients",
      "2",
      "--series",
      "2",
      "--nested",
      "--trailing-padding",
    ]);
    const out = join(dir, "out");
    const run = await runCli(["anonymize", study, out, "-q", "--jobs", "2"]);
    assert.equal(run.code, 0, run.stderr);
    const check = await new Deno.Command("/usr/bin/python3", {
      args: [join(ROOT, "tests/tools/phi_check.py"), join(study, "phi.json"), out, "--quiet"],
      stdout: "piped",
    }).output();
    const summary = new TextDecoder().decode(check.stdout).trim();
    assert.equal(check.code, 0, summary);
    assert.match(summary, /phi_check: 8 files, \d+ strings, 0 hits$/);
  });
});

Deno.test("anonymize --rename uid names outputs by new UID and warns about PHI folder names", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "study"), ["--nested"]);
    const [first] = (await listTree(study)).filter((f) => f.endsWith(".dcm"));
    const planted = await plantedValues(study, first);
    const out = join(dir, "out");
    const run = await runCli(["anonymize", study, out, "--rename", "uid", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const outputs = await listTree(out);
    assert.equal(outputs.length, 2);
    const folder = first.split("/").slice(0, -1).join("/");
    for (const rel of outputs) {
      assert.match(rel, new RegExp(`^${folder}/2\\.25\\.\\d+\\.dcm$`));
    }
    // The patient's ID names the top folder: warned once, naming the path, not the attribute.
    const warnings = JSON.parse(run.stdout).warnings as string[];
    assert.deepEqual(warnings, [
      `${first.split("/")[0]}/: folder name equals a removed value; outputs keep it`,
    ]);
    assert.doesNotMatch(run.stderr, new RegExp(planted.get("PatientName")!.replace(/\^/g, "\\^")));
  });
});
