import assert from "node:assert/strict";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { ByteQueue } from "./byte_queue.ts";
import { DicomParseError } from "./errors.ts";
import { BatchedInflater, INFLATE_BATCH } from "./inflater.ts";
import { parseJoined } from "../../tests/support/run_codec.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);

/** The raw DEFLATE bytes after File Meta of a real Deflated Explicit VR LE file. */
function deflatedDataset(): { raw: Uint8Array; at: number } {
  const file = Deno.readFileSync(new URL("pydicom__image_dfl.dcm", CORPUS));
  const metaEnd = parseJoined(file, 0).find((e) => e.kind === "metaEnd");
  assert.ok(metaEnd?.kind === "metaEnd" && metaEnd.encoding.deflated);
  return { raw: file.subarray(metaEnd.offset), at: metaEnd.offset };
}

/** A real file deflated by node:zlib: larger than a batch, unlike the corpus' deflated files. */
const LARGE = new Uint8Array(
  deflateRawSync(Deno.readFileSync(new URL("pydicomdata__emri_small.dcm", CORPUS))),
);

Deno.test("BatchedInflater.push() inflates a real deflated dataset as node:zlib does, from one reused buffer", () => {
  const { raw, at } = deflatedDataset();
  const expected = inflateRawSync(raw);
  const queue = new ByteQueue();
  const inflater = new BatchedInflater(queue);
  // One buffer refilled for every push, as cli/pipe_file.ts reads: waiting chunks must be copies.
  const buffer = new Uint8Array(7);
  for (let i = 0; i < raw.length; i += 7) {
    const n = Math.min(7, raw.length - i);
    buffer.set(raw.subarray(i, i + n));
    inflater.push(buffer.subarray(0, n), false, at);
    buffer.fill(0xaa);
  }
  inflater.push(new Uint8Array(0), true, at);
  assert.equal(queue.available, expected.length);
  assert.deepEqual(queue.take(queue.available), new Uint8Array(expected));
});

Deno.test("BatchedInflater.push() holds small chunks until INFLATE_BATCH bytes have come", () => {
  assert.ok(LARGE.length > 2 * INFLATE_BATCH);
  const queue = new ByteQueue();
  const inflater = new BatchedInflater(queue);
  let fed = 0;
  while (fed + 1000 < INFLATE_BATCH) {
    inflater.push(LARGE.subarray(fed, fed + 1000), false, 0);
    fed += 1000;
    assert.equal(queue.available, 0, `nothing inflated after ${fed} bytes`);
  }
  inflater.push(LARGE.subarray(fed, fed + 1000), false, 0);
  assert.ok(queue.available > 0, "the batch is inflated once it reaches INFLATE_BATCH");
});

Deno.test("BatchedInflater.push() reports corrupt data in its own words at the offset reached", () => {
  // 0x07: a final block of type 3, which DEFLATE does not define (RFC 1951 §3.2.3).
  assert.throws(
    () => new BatchedInflater(new ByteQueue()).push(new Uint8Array([0x07, 0, 0, 0]), true, 1234),
    (e) =>
      e instanceof DicomParseError && e.offset === 1234 &&
      e.message === "Corrupt deflated dataset: invalid block type at offset 0x4D2",
  );
  // A stream cut short after a first batch was inflated: the offset is how far inflation got.
  const queue = new ByteQueue();
  const inflater = new BatchedInflater(queue);
  inflater.push(LARGE.subarray(0, 2 * INFLATE_BATCH), false, 500);
  const inflated = queue.available;
  assert.ok(inflated > 0);
  let error: unknown;
  try {
    inflater.push(LARGE.subarray(2 * INFLATE_BATCH, 3 * INFLATE_BATCH), true, 500);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof DicomParseError, String(error));
  assert.match(error.message, /^Corrupt deflated dataset: unexpected end at offset/);
  assert.ok(queue.available >= inflated);
  assert.equal(error.offset, 500 + queue.available);
});
