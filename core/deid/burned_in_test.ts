import assert from "node:assert/strict";
import { concat } from "../dicom/file_meta.ts";
import { decidePixels, oftenBurnedIn } from "./burned_in.ts";
import { createDeidentifier, type DeidConfig, DeidSkipError } from "./mod.ts";
import type { PixelFacts } from "./pixel_facts.ts";
import { flatten } from "../../tests/support/flat_dataset.ts";
import { chunked } from "../../tests/support/run_codec.ts";
import {
  buildImage,
  type ImageSpec,
  pattern,
  pixelBytes,
} from "../../tests/support/pixel_image.ts";
import { corpusPath } from "../../tests/support/manifest.ts";

const KEY = new TextEncoder().encode("burned-in-test-key-0123456789");
const CT = "1.2.840.10008.5.1.4.1.1.2";
const US = "1.2.840.10008.5.1.4.1.1.6.1";

/** Runs a file at 7-byte chunks; returns the output, or the error and the bytes out before it. */
function run(bytes: Uint8Array, config: Omit<DeidConfig, "key">) {
  const job = createDeidentifier({ ...config, key: KEY }).start();
  const out: Uint8Array[] = [];
  try {
    for (const c of chunked(bytes, 7)) out.push(...job.pipeline.push(c));
    out.push(...job.pipeline.finish());
    return { bytes: concat(out).slice(), report: job.report() };
  } catch (error) {
    return { error, bytesBefore: out.reduce((n, b) => n + b.length, 0) };
  }
}

function image(spec: Partial<ImageSpec>): Uint8Array {
  const full: ImageSpec = { rows: 4, columns: 6, bitsAllocated: 8, modality: "CT", ...spec };
  return buildImage(full, pattern(pixelBytes(full)));
}

function claim(bytes: Uint8Array) {
  const flat = flatten(bytes);
  const codes = [...flat].filter(([k]) => /^00120064\[\d+\]\.00080100$/.test(k)).map(([, e]) =>
    e.text
  );
  return { removed: flat.get("00120062")!.text, codes, method: flat.get("00120063")!.text };
}

Deno.test("decidePixels() follows the guard's table", () => {
  const base: PixelFacts = { littleEndian: true, complete: true, pixelData: "native" };
  const rules = [{ match: { Modality: "US" }, rectangles: [[0, 0, 1, 1]] as const }];
  const act = (f: Partial<PixelFacts>, allowBurnedIn = false, withRules = false) =>
    decidePixels({ ...base, ...f }, { allowBurnedIn, rules: withRules ? rules : undefined })
      .action;
  assert.equal(act({ burnedIn: "YES", sopClass: CT }), "hold");
  assert.equal(act({ burnedIn: " yes ", sopClass: CT }), "hold", "trimmed, any case");
  assert.equal(act({ burnedIn: "YES" }, true), "allow");
  assert.equal(act({ burnedIn: "NO", sopClass: US }), "pass");
  assert.equal(act({ sopClass: US }), "flag");
  assert.equal(act({ mediaSopClass: "1.2.840.10008.5.1.4.1.1.7" }), "flag");
  assert.equal(act({ modality: "OT", sopClass: CT }), "flag");
  assert.equal(act({ sopClass: CT, modality: "CT" }), "pass");
  assert.equal(
    act({ modality: "US", burnedIn: "YES", rows: 2, columns: 2, bitsAllocated: 8 }, false, true),
    "clean",
  );
  assert.equal(act({ modality: "US", pixelData: "encapsulated" }, true, true), "hold");
  assert.equal(act({ modality: "US", rows: 2, columns: 2, bitsAllocated: 12 }, true, true), "hold");
  assert.equal(act({ modality: "CT", complete: false }), "flag", "unknown past the hold cap");
  assert.equal(oftenBurnedIn({ ...base, sopClass: US }), "Ultrasound Image Storage");
});

Deno.test("createDeidentifier() holds back YES before the first output byte", () => {
  for (const spec of [{ burnedIn: "YES" }, { burnedIn: "YES", frames: 3 }]) {
    const r = run(image(spec), {});
    assert.ok(r.error instanceof DeidSkipError, "a DeidSkipError");
    assert.equal(r.error.reason, "burned-in");
    assert.match(r.error.message, /^Held back: burned-in annotation: .*\(0028,0301\) is YES/);
    assert.equal(r.bytesBefore, 0, "nothing was output before the refusal");
  }
});

Deno.test("createDeidentifier() with allowBurnedIn passes YES and withdraws the identity claim", () => {
  const r = run(image({ burnedIn: "YES" }), { allowBurnedIn: true });
  assert.ok(r.bytes, String(r.error));
  const c = claim(r.bytes);
  assert.equal(c.removed, "NO");
  assert.ok(!c.codes.includes("113100"), "no Basic Profile claim");
  assert.match(c.method, /burned-in annotation kept/);
  assert.equal(r.report.pixels, "burned-in-allowed");
});

Deno.test("createDeidentifier() cleans a YES file that a rule covers and keeps the claim", () => {
  const r = run(image({ burnedIn: "YES" }), {
    pixelRules: [{ match: { Modality: "CT", Rows: 4, Columns: 6 }, rectangles: [[0, 0, 6, 1]] }],
  });
  assert.ok(r.bytes, String(r.error));
  const c = claim(r.bytes);
  assert.equal(c.removed, "YES");
  assert.deepEqual(c.codes, ["113100", "113101"]);
  assert.equal(r.report.pixels, "cleaned");
  const pixels = flatten(r.bytes).get("7FE00010")!.bytes!;
  assert.deepEqual(pixels.subarray(0, 6), new Uint8Array(6), "first row blanked");
  assert.ok(pixels.subarray(6).every((b) => b !== 0), "the rest kept");
});

Deno.test("createDeidentifier() flags US and SC files that do not say NO, and writes them", () => {
  for (
    const [spec, flagged] of [
      [{ sopClass: US, modality: "US" }, true],
      [{ sopClass: "1.2.840.10008.5.1.4.1.1.7", modality: "OT" }, true],
      [{ sopClass: US, modality: "US", burnedIn: "NO" }, false],
      [{ sopClass: CT, modality: "CT" }, false],
    ] as const
  ) {
    const r = run(image(spec), {});
    assert.ok(r.bytes, String(r.error));
    assert.equal(r.report.pixels, flagged ? "flagged" : undefined, JSON.stringify(spec));
    assert.equal(claim(r.bytes).removed, "YES", "a flag does not change the claim");
    if (flagged) assert.ok(r.report.notes?.some((n) => /burned-in text/.test(n)));
  }
});

Deno.test("createDeidentifier() holds back compressed pixels that a rule covers", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicomdata__JPGLosslessP14SV1_1s_1f_8b.dcm"));
  const ruled = run(bytes, {
    pixelRules: [{ match: { Modality: "US" }, rectangles: [[0, 0, 9, 9]] }],
  });
  assert.ok(ruled.error instanceof DeidSkipError);
  assert.equal(ruled.error.reason, "compressed-pixels");
  assert.match(ruled.error.message, /transfer syntax 1\.2\.840\.10008\.1\.2\.4\.70\)$/);
  assert.equal(ruled.bytesBefore, 0);
  // The same file without a rule: (0028,0301) is NO, so it passes unflagged.
  assert.ok(run(bytes, {}).bytes);
});

Deno.test("createDeidentifier() holds back a covered file whose layout it cannot clean", () => {
  const bytes = image({ bitsAllocated: 12 as 16, modality: "CT" });
  const r = run(bytes, { pixelRules: [{ match: { Modality: "CT" }, rectangles: [[0, 0, 1, 1]] }] });
  assert.ok(r.error instanceof DeidSkipError);
  assert.equal(r.error.reason, "pixel-layout");
  assert.match(r.error.message, /Bits Allocated 12/);
});
