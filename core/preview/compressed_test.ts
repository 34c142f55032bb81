/**
 * Compressed outputs: frame 1 is cut from the fragments and decoded by dcmjs-imaging, then
 * compared with the same output decompressed by DCMTK (dcmdjpeg, dcmdjpls, dcmdrle — another
 * decoder) and previewed by our native path. What cannot be decoded gets a reason.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { anonymizeBytes } from "../../tests/support/anonymize_tree.ts";
import { corpusPath } from "../../tests/support/manifest.ts";
import { decodePngs, maxDifference, writeBad } from "../../tests/support/preview_reference.ts";
import { PreviewUnavailableError } from "./errors.ts";
import { renderPreviewFile } from "./render.ts";

/** Corpus file and the DCMTK tool that decompresses it; comments say what each covers. */
const CASES: [string, string][] = [
  ["pydicom__SC_rgb_jpeg_dcmtk.dcm", "dcmdjpeg"], // JPEG Baseline, YBR_FULL_422 → RGB
  ["fodicom__multiframe.dcm", "dcmdjpeg"], // JPEG Baseline, 140 frames with offsets
  ["fodicom__HasFragmentSequence.dcm", "dcmdjpeg"], // 96 frames, 512 → 256
  ["pydicom__JPEG-lossy.dcm", "dcmdjpeg"], // JPEG Extended 12-bit, min/max
  ["pydicomdata__JPGLosslessP14SV1_1s_1f_8b.dcm", "dcmdjpeg"], // JPEG Lossless SV1
  ["pydicom__MR_small_jpeg_ls_lossless.dcm", "dcmdjpls"], // JPEG-LS, odd fragment, window
  ["pydicom__JPEGLSNearLossless_16.dcm", "dcmdjpls"], // JPEG-LS near-lossless 16-bit
  ["pydicomdata__JLSL_RGB_ILV0.dcm", "dcmdjpls"], // JPEG-LS colour, interleave mode 0
  ["pydicomdata__emri_small_RLE.dcm", "dcmdrle"], // RLE, 10 frames
  // Several fragments per frame and no offset table: frame 1 ends at the next SOI marker;
  // the window is in the Shared Functional Groups (enhanced CT).
  ["dicomparser__CT0012.fragmented_no_bot_jpeg_lossless.57.dcm", "dcmdjpeg"],
  ["dicomparser__CT1_UNC.fragmented_bot_jpeg_ls.80.dcm", "dcmdjpls"], // offsets, fragments
];

async function run(cmd: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" })
    .output();
  if (code !== 0) throw new Error(`${cmd} failed: ${new TextDecoder().decode(stderr)}`);
}

Deno.test("renderPreviewFile() of compressed outputs matches DCMTK-decompressed ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "preview-c-" });
  try {
    const pngs: [string, string, string][] = [];
    for (const [name, tool] of CASES) {
      const output = join(dir, name);
      await Deno.writeFile(output, anonymizeBytes(await Deno.readFile(corpusPath(name)), {}));
      const native = join(dir, `native-${name}`);
      await run(tool, [output, native]);
      await Deno.writeFile(`${output}.png`, await renderPreviewFile(output, { maxSize: 256 }));
      await Deno.writeFile(`${native}.png`, await renderPreviewFile(native, { maxSize: 256 }));
      pngs.push([name, `${output}.png`, `${native}.png`]);
    }
    const images = await decodePngs(pngs.flatMap(([, a, b]) => [a, b]));
    // One level: the decoder windows each pixel and rounds it before the box filter.
    const problems = pngs.flatMap(([name, a, b]) => {
      const diff = maxDifference(images.get(a)!, images.get(b)!);
      return diff > 1 ? [`${name}: max difference ${diff}`] : [];
    });
    assert.deepEqual(problems, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderPreviewFile() decodes JPEG 2000 and HTJ2K first frames", async () => {
  const dir = await Deno.makeTempDir({ prefix: "preview-c-" });
  try {
    for (const name of ["pydicomdata__US1_J2KI.dcm", "pydicomdata__HTJ2KLossless_08_RGB.dcm"]) {
      const output = join(dir, name);
      await Deno.writeFile(output, anonymizeBytes(await Deno.readFile(corpusPath(name)), {}));
      await Deno.writeFile(`${output}.png`, await renderPreviewFile(output, { maxSize: 256 }));
    }
    const images = await decodePngs(
      ["pydicomdata__US1_J2KI.dcm", "pydicomdata__HTJ2KLossless_08_RGB.dcm"].map((n) =>
        join(dir, `${n}.png`)
      ),
    );
    for (const image of images.values()) {
      // 640 × 480 colour → 256 × 192, with real content (many distinct values).
      assert.deepEqual([image.width, image.height, image.channels], [256, 192, 3]);
      assert.ok(new Set(image.pixels).size > 100);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderPreviewFile() gives a reason for an undecodable or corrupt compressed frame", async () => {
  const dir = await Deno.makeTempDir({ prefix: "preview-c-" });
  try {
    const source = join(dir, "source");
    await Deno.mkdir(source);
    const reasons: Record<string, string> = {};
    for (const name of await writeBad(source)) {
      const path = join(dir, name);
      await Deno.writeFile(path, anonymizeBytes(await Deno.readFile(join(source, name)), {}));
      const err = await renderPreviewFile(path, { maxSize: 256 }).then(
        () => new Error("rendered"),
        (e) => e,
      );
      assert.ok(err instanceof PreviewUnavailableError, `${name}: ${err}`);
      reasons[name] = err.message;
    }
    assert.deepEqual(reasons, {
      "float.dcm": "float Pixel Data (7FE0,0008/0009)",
      "huge.dcm": "image larger than 16384 × 16384",
      "jpeg_garbage.dcm": "compressed (JPEG Baseline), the first frame could not be decoded",
      "mpeg2.dcm": "compressed (MPEG2 Main Profile), no decoder here",
      "no_pixels.dcm": "no Pixel Data (7FE0,0010)",
      "short.dcm": "Pixel Data (7FE0,0010) shorter than one frame",
      "ybr422.dcm": "unsupported Photometric Interpretation (0028,0004)",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
