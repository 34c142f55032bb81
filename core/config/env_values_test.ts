import assert from "node:assert/strict";
import { readFlag } from "./env_values.ts";

Deno.test("readFlag() reads true/false, 1/0, yes/no and defaults to false", () => {
  assert.equal(readFlag("X", undefined), false);
  for (const v of ["true", "TRUE", "1", "yes"]) assert.equal(readFlag("X", v), true);
  for (const v of ["false", "0", "No"]) assert.equal(readFlag("X", v), false);
  assert.throws(() => readFlag("CROSSWALK_ENABLED", "maybe"), /CROSSWALK_ENABLED must be true/);
});
