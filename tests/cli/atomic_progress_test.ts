import assert from "node:assert/strict";
import { join } from "node:path";
import { commitPartial, OutputExistsError, partialPath } from "../../cli/atomic.ts";
import { Progress } from "../../cli/progress.ts";
import { withTempDir } from "./cli_helpers.ts";

Deno.test("commitPartial() never replaces an output unless asked to", async () => {
  await withTempDir(async (dir) => {
    const final = join(dir, "out.dcm");
    await Deno.writeTextFile(final, "old");
    const partial = partialPath(final);
    assert.match(partial, /\/\.out\.dcm\.partial-[0-9a-f]{12}$/);
    await Deno.writeTextFile(partial, "new");
    await assert.rejects(commitPartial(partial, final, false), OutputExistsError);
    assert.equal(await Deno.readTextFile(final), "old");
    await commitPartial(partial, final, true);
    assert.equal(await Deno.readTextFile(final), "new");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.dcm"]);
  });
});

Deno.test("Progress() writes a plain line every 5% of files when not on a terminal", () => {
  const lines: string[] = [];
  const p = new Progress("lines", 40, 4000, (t) => lines.push(t));
  for (let id = 0; id < 40; id++) p.done(id, 100);
  p.message("error: a.dcm: broken");
  p.finish();
  assert.equal(lines.filter((l) => l.startsWith("progress: ")).length, 20);
  assert.match(lines[19], /^progress: 40\/40 files, 0\.0 MB\/0\.0 MB, /);
  assert.equal(lines[20], "error: a.dcm: broken\n");
});

Deno.test("Progress() is silent when off, except for messages", () => {
  const lines: string[] = [];
  const p = new Progress("off", 3, 30, (t) => lines.push(t));
  p.update(0, 5);
  p.done(0, 10);
  p.message("warning: x");
  p.finish();
  assert.deepEqual(lines, ["warning: x\n"]);
});
