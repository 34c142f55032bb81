/**
 * Previews of real anonymized outputs against an independent reference: pydicom reads the
 * pixels, numpy computes the expected preview, Python's zlib decodes our PNG. Native files
 * must match within one gray level (float summation order) for every photometric
 * interpretation, bit depth, byte order and multi-frame layout in the corpus, plus synthetic
 * files for what the corpus lacks (MONOCHROME1, planar RGB, YBR_FULL, junk high bits, …).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { anonymizeBytes } from "../../tests/support/anonymize_tree.ts";
import { corpusPath } from "../../tests/support/manifest.ts";
import {
  decodePngs,
  expectedPreviews,
  maxDifference,
  writeSynthetic,
} from "../../tests/support/preview_reference.ts";
import { renderPreviewFile } from "./render.ts";

/** Native corpus files: what each one exercises. */
const NATIVE = [
  "pydicom__CT_small.dcm", // MONOCHROME2 16-bit signed CT, rescale, min/max
  "pydicom__MR_small_bigendian.dcm", // Explicit VR Big Endian, window
  "pydicom__MR_small_implicit.dcm", // Implicit VR LE
  "pydicomdata__emri_small.dcm", // multi-frame, 12 of 16 bits
  "pydicomdata__MR-SIEMENS-DICOM-WithOverlays.dcm", // 484 → 256 downscale, two windows
  "pydicom__SC_rgb_small_odd.dcm", // RGB, odd size
  "pydicomdata__OT-PAL-8-face.dcm", // PALETTE COLOR, 640 × 480 → 256 × 192
  "pydicom__rtdose.dcm", // 32-bit multi-frame
  "dcmjs__tumor_User1_Manual_Trial1.dcm", // 1-bit multi-frame segmentation
  "pydicom__image_dfl.dcm", // Deflated Explicit VR LE
  "fodicom__GH177_D_CLUNIE_CT1_IVRLE_BigEndian_ELE_undefinded_length.dcm", // 512 → 256
];

/** Anonymizes each input into `dir` (previews are always made from outputs); returns paths. */
async function anonymizeInto(dir: string, inputs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const path = join(dir, `anon-${input.split("/").pop()}`);
    await Deno.writeFile(path, anonymizeBytes(await Deno.readFile(input), {}));
    out.push(path);
  }
  return out;
}

/** Renders each file to `<file>.png` and compares it with the reference. */
async function compare(files: string[], max: number): Promise<string[]> {
  const pngs: string[] = [];
  for (const f of files) {
    await Deno.writeFile(`${f}.png`, await renderPreviewFile(f, { maxSize: max }));
    pngs.push(`${f}.png`);
  }
  const ours = await decodePngs(pngs);
  const expected = await expectedPreviews(files, max);
  const problems: string[] = [];
  for (const f of files) {
    const a = ours.get(`${f}.png`)!, b = expected.get(f)!;
    const diff = maxDifference(a, b);
    if (diff > 1) {
      problems.push(
        `${
          f.split("/").pop()
        }: ${a.width}×${a.height}×${a.channels} vs ${b.width}×${b.height}×${b.channels}, max difference ${diff}`,
      );
    }
  }
  return problems;
}

Deno.test("renderPreviewFile() matches pydicom + numpy on native corpus outputs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "preview-" });
  try {
    const files = await anonymizeInto(dir, NATIVE.map(corpusPath));
    assert.deepEqual(await compare(files, 256), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderPreviewFile() matches pydicom + numpy at the large size (no downscale)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "preview-" });
  try {
    const files = await anonymizeInto(dir, [
      corpusPath("pydicomdata__MR-SIEMENS-DICOM-WithOverlays.dcm"),
      corpusPath("pydicomdata__OT-PAL-8-face.dcm"),
    ]);
    assert.deepEqual(await compare(files, 1024), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderPreviewFile() matches pydicom + numpy on synthetic edge cases", async () => {
  const dir = await Deno.makeTempDir({ prefix: "preview-" });
  try {
    const synthDir = join(dir, "synth");
    await Deno.mkdir(synthDir);
    const names = await writeSynthetic(synthDir);
    assert.deepEqual(names, [
      "constant.dcm",
      "mono1.dcm",
      "rgb_planar.dcm",
      "signed12_junk.dcm",
      "window1.dcm",
      "ybr_full.dcm",
    ]);
    const files = await anonymizeInto(dir, names.map((n) => join(synthDir, n)));
    assert.deepEqual(await compare(files, 256), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
