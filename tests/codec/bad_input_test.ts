// The committed outcome of every broken or non-DICOM corpus file: a DicomParseError with this
// tag and offset (never a crash, hang or value in the message), at every chunking.
import assert from "node:assert/strict";
import { DicomParseError } from "../../core/dicom/mod.ts";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { CHUNK_SIZES, roundTrip } from "../support/run_codec.ts";

interface Expected {
  message: RegExp;
  offset: number;
  tag?: number;
}

/** Files that must fail, and how. The rest of the broken ones round-trip (round_trip_test). */
const EXPECTED: Record<string, Expected> = {
  "pydicom__MR_truncated.dcm": {
    message: /^Truncated value: 62 bytes missing/,
    offset: 9630,
    tag: 0x7fe00010,
  },
  "pydicomdata__emri_small_jpeg_2k_lossless_too_short.dcm": {
    message: /^Truncated input: pixels not closed/,
    offset: 40316,
    tag: 0x7fe00010,
  },
  "pydicom__crayons.icc": { message: /^Not DICOM/, offset: 0 },
  "pydicom__test1.json": { message: /^Not DICOM/, offset: 0 },
  "pydicom__zipMR.gz": { message: /^Not DICOM/, offset: 0 },
};

/** Our message templates: words, numbers, offsets and tags only. */
const SAFE_MESSAGE =
  /^[A-Za-z ,:]+(?:\d+[A-Za-z ,:]*)*at offset 0x[0-9A-F]+( in \([0-9A-F]{4},[0-9A-F]{4}\))?$/;

const manifest = await readManifest();

Deno.test("corpus: every file DCMTK rejects has a committed expected outcome", () => {
  const failing = manifest.filter((r) => r.dcmdump === "error").map((r) => r.file).sort();
  assert.deepEqual(failing, Object.keys(EXPECTED).sort());
});

for (const [file, expected] of Object.entries(EXPECTED)) {
  Deno.test(`DicomPipeline() fails ${file} with the expected DicomParseError`, async () => {
    const bytes = await Deno.readFile(corpusPath(file));
    for (const size of CHUNK_SIZES) {
      const err = (() => {
        try {
          roundTrip(bytes, size);
        } catch (e) {
          return e;
        }
        assert.fail(`no error at chunk size ${size}`);
      })();
      assert.ok(err instanceof DicomParseError, `chunk ${size}: ${err}`);
      assert.match(err.message, expected.message);
      assert.equal(err.offset, expected.offset);
      assert.equal(err.tag, expected.tag);
      assert.match(err.message, SAFE_MESSAGE);
    }
  });
}
