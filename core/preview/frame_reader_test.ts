/**
 * The streaming side of previews: the same PNG whatever the read sizes (a sample or a fragment
 * split anywhere), reading stops after frame 1, and the time limit holds.
 */
import assert from "node:assert/strict";
import { anonymizeBytes } from "../../tests/support/anonymize_tree.ts";
import { corpusPath } from "../../tests/support/manifest.ts";
import { PreviewUnavailableError } from "./errors.ts";
import { encodePng } from "./png.ts";
import { renderFirstFrame } from "./render.ts";

/** Yields `bytes` in `size`-byte chunks (0: whole), counting what was pulled. */
function chunks(bytes: Uint8Array, size: number, pulled = { n: 0 }): AsyncIterable<Uint8Array> {
  return (async function* () {
    const step = size || bytes.length;
    for (let at = 0; at < bytes.length; at += step) {
      const chunk = bytes.slice(at, at + step);
      pulled.n += chunk.length;
      yield chunk;
    }
  })();
}

async function png(bytes: Uint8Array, size: number): Promise<Uint8Array> {
  const image = await renderFirstFrame(chunks(bytes, size), { maxSize: 256 });
  return encodePng(image.pixels, image.width, image.height, image.channels);
}

const output = async (name: string) => anonymizeBytes(await Deno.readFile(corpusPath(name)), {});

Deno.test("renderFirstFrame() gives the same image for any chunking", async () => {
  for (
    const name of [
      "pydicom__MR_small_bigendian.dcm", // 16-bit big endian
      "dcmjs__tumor_User1_Manual_Trial1.dcm", // 1-bit
      "pydicom__SC_rgb_small_odd.dcm", // RGB, 27 bytes
      "pydicom__image_dfl.dcm", // deflated dataset
      "pydicom__rtdose.dcm", // 32-bit
      "pydicomdata__emri_small_RLE.dcm", // encapsulated, offset table
      "pydicom__MR_small_jpeg_ls_lossless.dcm", // encapsulated, odd fragment
    ]
  ) {
    const bytes = await output(name);
    const whole = await png(bytes, 0);
    for (const size of [1, 3, 7, 4096]) {
      assert.deepEqual(await png(bytes, size), whole, `${name} at chunk size ${size}`);
    }
  }
});

Deno.test("renderFirstFrame() stops reading after the first frame", async () => {
  // Native: 10 frames of 8 KiB; encapsulated: 96 JPEG frames, 1.7 MB.
  for (
    const [name, frames] of [["pydicomdata__emri_small.dcm", 10], [
      "fodicom__HasFragmentSequence.dcm",
      96,
    ]] as const
  ) {
    const bytes = await output(name);
    const pulled = { n: 0 };
    await renderFirstFrame(chunks(bytes, 4096, pulled), { maxSize: 256 });
    assert.ok(
      pulled.n < (bytes.length * 2) / frames + 16384,
      `${name}: read ${pulled.n} of ${bytes.length}`,
    );
  }
});

Deno.test("renderFirstFrame() gives up past its deadline, saying it may work later", async () => {
  const bytes = await output("pydicom__CT_small.dcm");
  const err = await renderFirstFrame(chunks(bytes, 1024), {
    maxSize: 256,
    deadline: Date.now() - 1,
  })
    .then(() => undefined, (e) => e);
  assert.ok(err instanceof PreviewUnavailableError);
  assert.equal(err.lasting, false);
  assert.match(err.message, /time limit/);
});

Deno.test("renderFirstFrame() refuses a header without Pixel Data past its byte limit", async () => {
  const bytes = await output("pydicom__waveform_ecg.dcm"); // 291 KB, no Pixel Data
  const err = await renderFirstFrame(chunks(bytes, 4096), { maxSize: 256, maxHeaderBytes: 65536 })
    .then(() => undefined, (e) => e);
  assert.ok(err instanceof PreviewUnavailableError);
  assert.equal(err.message, "no Pixel Data (7FE0,0010) in the first 65536 bytes");
});

Deno.test("renderFirstFrame() refuses a compressed frame over its byte or pixel limit", async () => {
  const bytes = await output("fodicom__HasFragmentSequence.dcm"); // frames of ~18 KB, 512 × 512
  const big = await renderFirstFrame(chunks(bytes, 4096), {
    maxSize: 256,
    maxCompressedFrame: 8192,
  })
    .then(() => undefined, (e) => e);
  assert.ok(big instanceof PreviewUnavailableError);
  assert.equal(big.message, "first frame larger than 8192 bytes");
  const wide = await renderFirstFrame(chunks(bytes, 4096), {
    maxSize: 256,
    maxDecodePixels: 512 * 511,
  })
    .then(() => undefined, (e) => e);
  assert.ok(wide instanceof PreviewUnavailableError);
  assert.equal(wide.message, "compressed (JPEG Baseline) frame over 261632 pixels");
});
