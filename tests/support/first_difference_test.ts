import assert from "node:assert/strict";
import { firstDifference } from "./first_difference.ts";

Deno.test("firstDifference() finds the first differing byte, a prefix's end, or none", () => {
  const a = Uint8Array.from([1, 2, 3, 4]);
  assert.equal(firstDifference(a, Uint8Array.from([1, 2, 3, 4])), -1);
  assert.equal(firstDifference(a, Uint8Array.from([1, 9, 3, 0])), 1);
  assert.equal(firstDifference(a, Uint8Array.from([1, 2])), 2);
  assert.equal(firstDifference(new Uint8Array(0), new Uint8Array(0)), -1);
});
