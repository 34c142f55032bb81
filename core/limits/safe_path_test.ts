import assert from "node:assert/strict";
import { UnsafePathError } from "./errors.ts";
import { safePathFromUrl, safeRelativePath } from "./safe_path.ts";

Deno.test("safeRelativePath() keeps ordinary nested names", () => {
  assert.equal(safeRelativePath("P1/st 1/IM0001.dcm"), "P1/st 1/IM0001.dcm");
  assert.equal(safeRelativePath("ünïcode/名前.dcm"), "ünïcode/名前.dcm");
});

Deno.test("safeRelativePath() rejects traversal and unsafe names", () => {
  for (
    const bad of [
      "",
      "../x",
      "a/../../x",
      "/etc/passwd",
      "a//b",
      "./a",
      "a\\..\\b",
      "C:/x",
      "a\0b",
      "a/b.",
      "x".repeat(256),
      "a/".repeat(600) + "b",
    ]
  ) assert.throws(() => safeRelativePath(bad), UnsafePathError, JSON.stringify(bad));
});

Deno.test("safePathFromUrl() decodes segments and refuses encoded traversal", () => {
  assert.equal(safePathFromUrl("a%20b/c.dcm"), "a b/c.dcm");
  assert.throws(() => safePathFromUrl("%2e%2e/x"), UnsafePathError);
  assert.throws(() => safePathFromUrl("a%2F..%2Fb"), UnsafePathError);
  assert.throws(() => safePathFromUrl("%E0%A4%A"), UnsafePathError);
});
