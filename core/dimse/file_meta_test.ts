import assert from "node:assert/strict";
import { join } from "node:path";
import { dcmdumpCheck, readTreesWithPydicom } from "../../tests/support/independent_reader.ts";
import { isUid, part10Prefix } from "./file_meta.ts";
import { readPart10Header } from "./part10_header.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url).pathname;
const FILES = [
  "pydicom__MR_small_implicit.dcm",
  "pydicom__MR_small_bigendian.dcm",
  "pydicom__image_dfl.dcm",
  "pydicom__JPEG-lossy.dcm",
  "pydicom__CT_small.dcm",
];

Deno.test("part10Prefix() + a DIMSE dataset reads as the original file in dcmdump and pydicom", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dimse-meta-" });
  try {
    const pairs: [string, string][] = [];
    for (const name of FILES) {
      const original = join(CORPUS, name);
      using f = await Deno.open(original);
      const h = await readPart10Header(f);
      // What a C-STORE carries: the dataset alone, after the File Meta.
      const dataset = (await Deno.readFile(original)).subarray(h.datasetOffset);
      const rebuilt = join(dir, name);
      const prefix = part10Prefix(h.sopClassUid, h.sopInstanceUid, h.transferSyntax);
      await Deno.writeFile(rebuilt, new Uint8Array([...prefix, ...dataset]));
      using g = await Deno.open(rebuilt);
      assert.deepEqual(await readPart10Header(g), { ...h, datasetOffset: prefix.length });
      const dump = await dcmdumpCheck(rebuilt);
      assert.ok(dump.ok, `${name}: ${dump.errors.join("; ")}`);
      pairs.push([original, rebuilt]);
    }
    const trees = await readTreesWithPydicom(pairs.flat());
    for (const [original, rebuilt] of pairs) {
      assert.deepEqual(trees.get(rebuilt), trees.get(original), rebuilt);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("part10Prefix() refuses a command UID that is not a UID, without quoting it", () => {
  assert.throws(
    () => part10Prefix("1.2.840.10008.5.1.4.1.1.2", "DOE^JOHN", "1.2.840.10008.1.2"),
    (err: unknown) => {
      assert.ok(err instanceof TypeError);
      assert.equal(err.message, "SOP Instance UID is not a valid UID");
      return true;
    },
  );
  assert.ok(isUid("1.2.3") && !isUid("") && !isUid("1".repeat(65)) && !isUid("1.2 "));
});
