import assert from "node:assert/strict";
import { join } from "node:path";
import { isHeld, openLockedTemp, sweepTempDir } from "./temp_files.ts";

/** Sets a file's modification time `ageMs` into the past. */
async function age(path: string, ageMs: number) {
  const t = new Date(Date.now() - ageMs);
  await Deno.utime(path, t, t);
}

Deno.test("sweepTempDir() removes unlocked old .part files and spares held, young or other files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const held = await openLockedTemp(join(dir, "held.part"));
    await Deno.writeTextFile(join(dir, "orphan.part"), "x");
    await Deno.writeTextFile(join(dir, "young.part"), "x");
    await Deno.writeTextFile(join(dir, "other.txt"), "x");
    for (const f of ["held.part", "orphan.part", "other.txt"]) await age(join(dir, f), 60_000);
    assert.equal(await isHeld(join(dir, "held.part")), true, "a lock of this very process counts");
    assert.equal(await isHeld(join(dir, "orphan.part")), false);
    assert.equal(await isHeld(join(dir, "missing.part")), false);
    assert.equal(await sweepTempDir(dir, Date.now()), 1);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, ["held.part", "other.txt", "young.part"]);
    held.close();
    assert.equal(await sweepTempDir(dir, Date.now()), 1, "closed: its writer is gone");
    assert.equal(await sweepTempDir(join(dir, "absent"), Date.now()), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
