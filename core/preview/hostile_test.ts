/**
 * Mutated outputs (bytes overwritten, mostly in the header where the structure is) must end in
 * a preview or a "no preview" reason: never another error, never a long wait. 300 cases from a
 * fixed seed over native, deflated and compressed files.
 */
import assert from "node:assert/strict";
import { anonymizeBytes } from "../../tests/support/anonymize_tree.ts";
import { corpusPath } from "../../tests/support/manifest.ts";
import { PreviewUnavailableError } from "./errors.ts";
import { renderFirstFrame } from "./render.ts";

const SOURCES = [
  "pydicom__CT_small.dcm",
  "pydicom__MR_small_bigendian.dcm",
  "pydicomdata__OT-PAL-8-face.dcm",
  "dcmjs__tumor_User1_Manual_Trial1.dcm",
  "pydicom__image_dfl.dcm",
  "pydicomdata__liver_deflate.dcm",
  "pydicom__JPEG-lossy.dcm",
  "pydicomdata__emri_small_RLE.dcm",
  "pydicom__MR_small_jpeg_ls_lossless.dcm",
  "pydicomdata__US1_J2KI.dcm",
];

Deno.test("renderFirstFrame() of mutated outputs gives an image or a reason, quickly", async () => {
  const outputs = await Promise.all(
    SOURCES.map(async (f) => anonymizeBytes(await Deno.readFile(corpusPath(f)), {})),
  );
  let seed = 20240611;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const outcomes = { image: 0, reason: 0 };
  for (let i = 0; i < 300; i++) {
    const bytes = outputs[i % outputs.length].slice();
    for (let k = 1 + Math.floor(random() * 8); k > 0; k--) {
      const span = random() < 0.7 ? Math.min(2048, bytes.length) : bytes.length;
      bytes[Math.floor(random() * span)] = Math.floor(random() * 256);
    }
    const started = performance.now();
    try {
      await renderFirstFrame(
        (async function* () {
          yield bytes;
        })(),
        { maxSize: 256 },
      );
      outcomes.image++;
    } catch (err) {
      assert.ok(err instanceof PreviewUnavailableError, `case ${i}: ${(err as Error).name}`);
      outcomes.reason++;
    }
    assert.ok(performance.now() - started < 5000, `case ${i} took too long`);
  }
  // Both outcomes occur: the mutations reach the structure and also leave images readable.
  assert.ok(outcomes.image > 50 && outcomes.reason > 50, JSON.stringify(outcomes));
});
