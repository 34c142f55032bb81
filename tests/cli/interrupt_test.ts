import assert from "node:assert/strict";
import { join } from "node:path";
import { listTree, makeStudy, ROOT, TEST_KEY_HEX, withTempDir } from "./cli_helpers.ts";

/**
 * Starts the CLI on a big file, waits until its partial output holds data, then sends `signal`.
 * Returns the process status and the files left in `out`.
 */
async function interrupt(input: string, out: string, signal: Deno.Signal) {
  await Deno.mkdir(out);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "main.ts", "anonymize", input, out, "-q"],
    cwd: ROOT,
    env: { DEID_KEY: TEST_KEY_HEX },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = performance.now() + 20_000;
  let sent = false;
  while (!sent && performance.now() < deadline) {
    for (const e of Deno.readDirSync(out)) {
      if (e.name.includes(".partial-") && Deno.statSync(join(out, e.name)).size > 0) {
        child.kill(signal);
        sent = true;
      }
    }
    if (!sent) await new Promise((r) => setTimeout(r, 1));
  }
  const status = await child.status;
  return { sent, status, left: await listTree(out) };
}

Deno.test("anonymize killed mid-file leaves no file under a final name", async () => {
  await withTempDir(async (dir) => {
    const study = await makeStudy(join(dir, "big"), ["--multiframe", "200M", "--only-multiframe"]);
    const [big] = (await listTree(study)).filter((f) => f.endsWith(".dcm"));
    const killed = await interrupt(join(study, big), join(dir, "out1"), "SIGKILL");
    assert.ok(killed.sent, "the run finished before it could be killed");
    assert.equal(killed.status.signal, "SIGKILL");
    assert.equal(killed.left.length, 1);
    assert.match(killed.left[0], /^\..*\.partial-[0-9a-f]+$/, "only a hidden partial");

    const stopped = await interrupt(join(study, big), join(dir, "out2"), "SIGTERM");
    assert.ok(stopped.sent);
    assert.equal(stopped.status.code, 143);
    assert.deepEqual(stopped.left, [], "SIGTERM removes the partial too");
  });
});
