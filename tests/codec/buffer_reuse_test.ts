// The buffer contract that lets readers refill one buffer: after push() returns and its output
// has been consumed, nothing may still point into the chunk. Poisoning the chunk proves it.
import assert from "node:assert/strict";
import { createDeidentifier } from "../../core/deid/mod.ts";
import { concat } from "../../core/dicom/file_meta.ts";
import { DicomPipeline } from "../../core/dicom/mod.ts";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { TEST_KEY } from "../support/anonymize_tree.ts";
import { chunked } from "../support/run_codec.ts";
import { parseRuleArgs } from "../../core/deid/rules.ts";
import { EXPLICIT_VR_LE } from "../../core/dicom/transfer_syntax.ts";
import { explicit, part10 } from "../fixtures/build.ts";

const rows = (await readManifest()).filter((r) =>
  r.dcmdump !== "error" && !r.categories.includes("dicomdir")
);

/** Runs a pipeline, copying each output chunk at once and then overwriting the input chunk. */
function poisoned(pipeline: DicomPipeline, bytes: Uint8Array, size: number): Uint8Array {
  const out: Uint8Array[] = [];
  for (const chunk of chunked(bytes, size)) {
    for (const b of pipeline.push(chunk)) out.push(b.slice());
    chunk.fill(0xee);
  }
  for (const b of pipeline.finish()) out.push(b.slice());
  return concat(out);
}

function clean(pipeline: DicomPipeline, bytes: Uint8Array): Uint8Array {
  return concat([...pipeline.push(bytes.slice()), ...pipeline.finish()]).slice();
}

Deno.test("DicomPipeline() keeps no view of an input chunk after push() (codec only)", async () => {
  for (const row of rows) {
    const bytes = await Deno.readFile(corpusPath(row.file));
    for (const size of [5, 4096]) {
      assert.deepEqual(
        poisoned(new DicomPipeline(), bytes, size),
        clean(new DicomPipeline(), bytes),
        `${row.file} @${size}`,
      );
    }
  }
});

Deno.test("DicomPipeline() keeps no view of an input chunk after push() (de-identification)", async () => {
  const deid = createDeidentifier({
    key: TEST_KEY,
    profile: "ps315-basic",
    options: ["retain-safe-private"],
  });
  const keepAll = createDeidentifier({ key: TEST_KEY, keepPrivateTags: true });
  for (const row of rows) {
    const bytes = await Deno.readFile(corpusPath(row.file));
    for (const d of [deid, keepAll]) {
      for (const size of [5, 4096]) {
        assert.deepEqual(
          poisoned(d.start().pipeline, bytes, size),
          clean(d.start().pipeline, bytes),
          `${row.file} @${size}`,
        );
      }
    }
  }
});

Deno.test("DicomPipeline() keeps no view of a kept private creator across pushes", () => {
  // A private group kept by a rule is held until it ends (its creators are written only if a
  // block is used): its creator value outlives the push that brought it. Reading with one
  // reused buffer once wrote whatever the buffer held later as the creator.
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00100010, "PN", "DOE^JOHN"),
    explicit(0x7fe00010, "OB", new Uint8Array(16)),
    explicit(0x7fe10010, "LO", "ACME 1.0"),
    explicit(0x7fe11001, "LO", "kept"),
  );
  const deid = createDeidentifier({
    key: TEST_KEY,
    rules: [parseRuleArgs(["(7FE1,xxxx)", "keep"], "-t #1")],
  });
  const expected = clean(deid.start().pipeline, input);
  const creator = new TextEncoder().encode("ACME 1.0");
  assert.ok(indexOf(expected, creator) > 0, "the creator is written");
  for (let size = 1; size <= input.length; size++) {
    const got = poisoned(deid.start().pipeline, input, size);
    assert.deepEqual(got, expected, `chunk size ${size}`);
  }
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
