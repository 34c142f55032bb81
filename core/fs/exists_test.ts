import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, existsSync } from "./exists.ts";

Deno.test("exists() and existsSync() see files, folders and dangling links, not missing paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "f"), "x");
    await Deno.symlink(join(dir, "nowhere"), join(dir, "dangling"));
    for (const name of ["f", "dangling", "."]) {
      assert.equal(await exists(join(dir, name)), true, name);
      assert.equal(existsSync(join(dir, name)), true, name);
    }
    assert.equal(await exists(join(dir, "missing")), false);
    assert.equal(existsSync(join(dir, "missing")), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
