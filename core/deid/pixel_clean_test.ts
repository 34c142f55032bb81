import assert from "node:assert/strict";
import { concat } from "../dicom/file_meta.ts";
import { createDeidentifier, type PixelRule } from "./mod.ts";
import { flatten } from "../../tests/support/flat_dataset.ts";
import { chunked } from "../../tests/support/run_codec.ts";
import {
  buildImage,
  expectedPixels,
  type ImageSpec,
  pattern,
  pixelBytes,
} from "../../tests/support/pixel_image.ts";

const KEY = new TextEncoder().encode("pixel-test-key-0123456789");
/** Chunk sizes of the brief: 1, 7, 4096 and whole (0). */
const SIZES = [1, 7, 4096, 0];
/** Partly outside (clipped), wholly outside (no effect), overlapping, and a 1-pixel one. */
const RECTS = [[2, 1, 3, 2], [5, 3, 100, 100], [40, 40, 5, 5], [3, 2, 1, 4], [0, 0, 1, 1]] as const;

function run(bytes: Uint8Array, rules: PixelRule[], size: number): Uint8Array {
  const job = createDeidentifier({ key: KEY, pixelRules: rules }).start();
  const out: Uint8Array[] = [];
  for (const c of chunked(bytes, size)) out.push(...job.pipeline.push(c));
  out.push(...job.pipeline.finish());
  return concat(out).slice();
}

function check(name: string, spec: ImageSpec): void {
  Deno.test(`PixelCleanStage() blanks exactly the rectangles: ${name}`, () => {
    const pixels = pattern(pixelBytes(spec), spec.rows * 31 + spec.columns);
    const input = buildImage(spec, pixels);
    const rules: PixelRule[] = [
      { match: { Modality: "CT" }, rectangles: [[0, 0, 100, 100]] },
      { match: { Modality: " ot ", Rows: spec.rows, Columns: spec.columns }, rectangles: RECTS },
    ];
    const want = expectedPixels(spec, pixels, RECTS);
    assert.notDeepEqual(want, pixels, "the rectangles cover some pixels");
    let first: Uint8Array | undefined;
    for (const size of SIZES) {
      const out = run(input, rules, size);
      first ??= out;
      assert.deepEqual(out, first, `output at chunk size ${size} equals the whole-input output`);
      const got = flatten(out).get("7FE00010")!.bytes!;
      assert.equal(got.length, pixels.length + (pixels.length % 2), "Pixel Data length kept");
      for (let i = 0; i < pixels.length; i++) {
        if (got[i] !== want[i]) {
          assert.fail(`byte ${i} at chunk size ${size}: got ${got[i]}, want ${want[i]}`);
        }
      }
      if (pixels.length % 2) assert.equal(got[pixels.length], 0, "padding byte kept");
    }
    const flat = flatten(first!);
    const codes = [...flat].filter(([k]) => /^00120064\[\d+\]\.00080100$/.test(k)).map(([, e]) =>
      e.text
    );
    assert.ok(codes.includes("113101"), `Clean Pixel Data Option claimed (codes ${codes})`);
    assert.match(flat.get("00120063")!.text, /Clean Pixel Data rule 2/);
  });
}

check("8-bit, odd size, 2 frames", { rows: 5, columns: 7, frames: 2, bitsAllocated: 8 });
check("16-bit, 3 frames", { rows: 6, columns: 9, frames: 3, bitsAllocated: 16 });
check("32-bit", { rows: 5, columns: 6, bitsAllocated: 32 });
check("1-bit packed, 3 frames not byte-aligned", {
  rows: 11,
  columns: 13,
  frames: 3,
  bitsAllocated: 1,
});
check("RGB planar 0", { rows: 6, columns: 7, bitsAllocated: 8, samplesPerPixel: 3, planar: 0 });
check("RGB planar 1, 2 frames", {
  rows: 6,
  columns: 7,
  frames: 2,
  bitsAllocated: 8,
  samplesPerPixel: 3,
  planar: 1,
});
check("YBR_FULL_422 (pixel pairs)", {
  rows: 5,
  columns: 8,
  bitsAllocated: 8,
  samplesPerPixel: 3,
  photometric: "YBR_FULL_422",
});
check("Implicit VR LE 16-bit", { rows: 5, columns: 7, bitsAllocated: 16, syntax: "implicit-le" });
check("Explicit VR BE 16-bit OW", {
  rows: 5,
  columns: 7,
  bitsAllocated: 16,
  syntax: "explicit-be",
});
check("Explicit VR BE 8-bit OW (swapped words), odd columns", {
  rows: 5,
  columns: 7,
  frames: 2,
  bitsAllocated: 8,
  syntax: "explicit-be",
  pixelVr: "OW",
});
check("Explicit VR BE 1-bit OW (swapped words)", {
  rows: 9,
  columns: 11,
  frames: 2,
  bitsAllocated: 1,
  syntax: "explicit-be",
  pixelVr: "OW",
});

Deno.test("PixelCleanStage() leaves files no rule matches unchanged in their pixels", () => {
  const spec: ImageSpec = { rows: 5, columns: 7, bitsAllocated: 8, modality: "MR" };
  const pixels = pattern(pixelBytes(spec));
  const rules: PixelRule[] = [{ match: { Modality: "OT" }, rectangles: [[0, 0, 7, 5]] }];
  const flat = flatten(run(buildImage(spec, pixels), rules, 7));
  assert.deepEqual(flat.get("7FE00010")!.bytes!.subarray(0, pixels.length), pixels);
  const codes = [...flat].filter(([k]) => k.endsWith(".00080100")).map(([, e]) => e.text);
  assert.ok(!codes.includes("113101"), "no Clean Pixel Data claim without cleaning");
});

Deno.test("PixelCleanStage() never modifies the caller's input chunks", () => {
  const spec: ImageSpec = { rows: 8, columns: 8, bitsAllocated: 16 };
  const input = buildImage(spec, pattern(pixelBytes(spec)));
  const copy = input.slice();
  const job = createDeidentifier({
    key: KEY,
    pixelRules: [{ match: {}, rectangles: [[0, 0, 8, 8]] }],
  }).start();
  job.pipeline.push(input.subarray(0, 100));
  job.pipeline.push(input.subarray(100));
  job.pipeline.finish();
  assert.deepEqual(input, copy);
});

Deno.test("PixelCleanStage() blanks every frame the value holds when (0028,0008) is absent", () => {
  const spec: ImageSpec = { rows: 4, columns: 6, bitsAllocated: 16 };
  const pixels = pattern(2 * pixelBytes(spec)); // two frames, none announced
  const rects = [[1, 1, 2, 2]] as const;
  const out = run(buildImage(spec, pixels), [{ match: {}, rectangles: rects }], 7);
  const got = flatten(out).get("7FE00010")!.bytes!;
  const want = expectedPixels({ ...spec, frames: 2 }, pixels, rects);
  assert.deepEqual(got, want);
});

Deno.test("PixelGuard holds back a file whose header ends before Pixel Data, at every chunking", () => {
  const spec: ImageSpec = { rows: 8, columns: 8, bitsAllocated: 8 };
  const image = buildImage(spec, pattern(pixelBytes(spec)));
  // An element of group 7FE1 before (0008,0060): out of tag order, it ends the held header
  // (the first top-level tag at or past Pixel Data) before Modality, Rows or Columns are seen.
  const at = image.findIndex((_, i) =>
    image[i] === 0x08 && image[i + 1] === 0 && image[i + 2] === 0x60 && image[i + 3] === 0 &&
    image[i + 4] === 0x43 && image[i + 5] === 0x53
  );
  assert.ok(at > 0);
  const stray = Uint8Array.of(0xe1, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 2, 0, 0, 0, 1, 2);
  const input = concat([image.subarray(0, at), stray, image.subarray(at)]);
  const rules: PixelRule[] = [{ match: { Modality: "OT" }, rectangles: [[0, 0, 8, 8]] }];
  for (const size of SIZES) {
    assert.throws(
      () => run(input, rules, size),
      (err: Error) =>
        err.name === "DeidSkipError" && /follows the end of the header/.test(err.message),
      `chunk ${size}`,
    );
  }
  // Without rules nothing is to be cleaned: the file is written, the same at every chunking.
  const plain = SIZES.map((size) => run(input, [], size));
  for (const out of plain) assert.deepEqual(out, plain[0]);
});
