import assert from "node:assert/strict";
import { join } from "node:path";
import { listTree, makeStudy, signalMidRun, withTempDir } from "./cli_helpers.ts";

/**
 * Starts the CLI on a big file, waits until its partial output holds data, then sends `signal`.
 * Returns the process status and the files left in `out`.
 */
async function interrupt(input: string, out: string, signal: Deno.Signal) {
  await Deno.mkdir(out);
  const { sent, status } = await signalMidRun([input, out, "-q"], out, signal);
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
