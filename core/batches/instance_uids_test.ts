import assert from "node:assert/strict";
import {
  InstanceUids,
  readInstanceUids,
  SOP_CLASS_UID,
  SOP_INSTANCE_UID,
  STUDY_INSTANCE_UID,
} from "./instance_uids.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);
const FILES = [
  "pydicom__CT_small.dcm", // explicit LE, sequences before group 0020
  "pydicom__MR_small_implicit.dcm",
  "pydicom__MR_small_bigendian.dcm",
  "pydicomdata__liver_deflate.dcm", // deflated dataset
  "pydicom__ExplVR_LitEndNoMeta.dcm", // no preamble, no File Meta
  "fodicom__HasFragmentSequence.dcm", // 1.7 MB, encapsulated
];

/** DCMTK's reading of the three top-level UIDs (unindented dcmdump lines). */
async function dcmdumpUids(path: string): Promise<(string | undefined)[]> {
  const { stdout } = await new Deno.Command("dcmdump", {
    args: ["-q", "-Un", path],
    stdout: "piped",
  })
    .output();
  const lines = new TextDecoder().decode(stdout).split("\n");
  return ["(0008,0016)", "(0008,0018)", "(0020,000d)"].map((tag) => {
    const line = lines.find((l) => l.startsWith(tag));
    return line?.match(/\[([^\]]*)\]/)?.[1];
  });
}

Deno.test("InstanceUids reads the top-level UIDs dcmdump reads, at any chunking", async () => {
  for (const name of FILES) {
    const path = new URL(name, CORPUS).pathname;
    const bytes = await Deno.readFile(path);
    const expected = await dcmdumpUids(path);
    assert.ok(expected.every((v) => v !== undefined && v.length > 0), `${name}: dcmdump`);
    for (const size of [1, 7, 4096, bytes.length]) {
      const uids = new InstanceUids();
      let fed = 0;
      while (!uids.done && fed < bytes.length) {
        uids.push(bytes.subarray(fed, fed + size));
        fed += size;
      }
      uids.finish();
      assert.ok(uids.passed, `${name} at ${size}`);
      const got = [SOP_CLASS_UID, SOP_INSTANCE_UID, STUDY_INSTANCE_UID].map((t) => uids.get(t));
      assert.deepEqual(got, expected, `${name} at ${size}`);
      if (size < 8192 && bytes.length > 100_000) {
        assert.ok(fed < bytes.length / 10, `${name}: read ${fed} bytes`);
      }
    }
    const stored = await readInstanceUids(path);
    assert.equal(stored.get(SOP_INSTANCE_UID), expected[1], name);
  }
});

Deno.test("InstanceUids stops quietly on bytes that do not parse", () => {
  const uids = new InstanceUids();
  uids.push(new TextEncoder().encode("this is not DICOM at all, just text"));
  uids.finish();
  assert.ok(uids.done);
  assert.equal(uids.passed, false);
  assert.equal(uids.get(SOP_INSTANCE_UID), undefined);
});
