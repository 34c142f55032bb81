/**
 * Matches output paths against input paths when folders named after a removed value (the
 * make_corpus studies use the Patient ID, `MRN…`) come back as keyed `anon-…` pseudonyms.
 */
import assert from "node:assert/strict";

const PSEUDONYM = /^anon-[0-9a-f]{12}$/;
const shapeOf = (p: string, folder: RegExp) =>
  p.split("/").map((c) => (folder.test(c) ? "*" : c)).join("/");

/**
 * Asserts `actual` is `originals` with every `MRN…` folder pseudonymized (one pseudonym per
 * folder); returns, per original path, the output paths it may have become.
 */
export function matchScrubbed(
  actual: readonly string[],
  originals: readonly string[],
): Map<string, string[]> {
  assert.equal(actual.length, originals.length, "same number of files");
  assert.ok(!actual.some((p) => /MRN\d/.test(p)), "no Patient ID left in any path");
  const folders = new Set(originals.flatMap((o) => o.split("/").filter((c) => /^MRN\d+$/.test(c))));
  const pseudonyms = new Set(actual.flatMap((a) => a.split("/").filter((c) => PSEUDONYM.test(c))));
  assert.equal(pseudonyms.size, folders.size, "one pseudonym per patient folder");
  assert.deepEqual(
    actual.map((a) => shapeOf(a, PSEUDONYM)).sort(),
    originals.map((o) => shapeOf(o, /^MRN\d+$/)).sort(),
  );
  return new Map(originals.map((o) => [
    o,
    actual.filter((a) => shapeOf(a, PSEUDONYM) === shapeOf(o, /^MRN\d+$/)),
  ]));
}
