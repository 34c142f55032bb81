import assert from "node:assert/strict";
import { ByteQueue } from "./byte_queue.ts";
import { DicomParseError } from "./errors.ts";
import type { DicomEvent } from "./events.ts";
import { FileMetaReader } from "./parser_meta.ts";
import { chunked } from "../../tests/support/run_codec.ts";
import { explicit, explicitHeader, PREFIX } from "../../tests/fixtures/build.ts";
import { concat } from "./file_meta.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);
const corpus = (name: string) => Deno.readFileSync(new URL(name, CORPUS));

/** Runs a reader over `bytes` pushed `size` bytes at a time until File Meta has ended. */
function readMeta(bytes: Uint8Array, size: number) {
  const reader = new FileMetaReader();
  const queue = new ByteQueue();
  const events: DicomEvent[] = [];
  const chunks = [...chunked(bytes, size)];
  let pushed = 0;
  for (let i = 0; i < chunks.length && !reader.encoding; i++) {
    queue.push(chunks[i]);
    pushed += chunks[i].length;
    while (!reader.encoding && reader.read(queue, events, i === chunks.length - 1));
  }
  assert.ok(reader.encoding, "File Meta ended");
  return { reader, queue, events, pushed };
}

Deno.test("FileMetaReader.read() reads a real file's File Meta, ending where its group length says", () => {
  const file = corpus("pydicom__CT_small.dcm");
  // (0002,0000) File Meta Information Group Length right after DICM: UL, value at 140.
  const groupLength = new DataView(file.buffer, file.byteOffset).getUint32(140, true);
  for (const size of [1, 7, 0]) {
    const { reader, queue, events, pushed } = readMeta(file, size);
    assert.equal(events[0].kind, "preamble");
    // Each element starts where the one before it ended (8- or 12-byte header plus value).
    let at = 132;
    for (const e of events) {
      if (e.kind !== "element") continue;
      assert.equal(e.tag >>> 16, 0x0002);
      assert.equal(e.offset, at);
      at += (["OB", "UN", "UT"].includes(e.vr) ? 12 : 8) + e.length;
    }
    const end = events.at(-1)!;
    assert.equal(end.kind === "metaEnd" && end.offset, at);
    assert.ok(end.kind === "metaEnd");
    assert.equal(end.offset, 144 + groupLength);
    assert.equal(end.hadMeta, true);
    assert.equal(end.encoding.transferSyntax, "1.2.840.10008.1.2.1");
    assert.equal(reader.offset, end.offset);
    assert.equal(queue.available, pushed - end.offset, `size ${size}: dataset left unread`);
  }
});

Deno.test("FileMetaReader.read() sniffs the encoding when no transfer syntax names it", () => {
  const noMeta = readMeta(corpus("pydicom__ExplVR_LitEndNoMeta.dcm"), 0);
  const end = noMeta.events.at(-1)!;
  assert.deepEqual(noMeta.events.map((e) => e.kind), ["metaEnd"]);
  assert.ok(end.kind === "metaEnd" && !end.hadMeta && end.offset === 0);
  assert.equal(end.encoding.explicitVr, true);
  assert.equal(end.encoding.littleEndian, true);
  // After a DICM prefix the stream has proved itself DICOM: any group may start the dataset.
  const prefixed = readMeta(concat([PREFIX, explicit(0x00100010, "PN", "A^B ")]), 0);
  const started = prefixed.events.at(-1)!;
  assert.ok(started.kind === "metaEnd" && !started.hadMeta && started.offset === 132);
  assert.equal(started.encoding.explicitVr, true);
  const missing = readMeta(corpus("pydicom__meta_missing_tsyntax.dcm"), 3);
  const ended = missing.events.at(-1)!;
  assert.ok(ended.kind === "metaEnd" && ended.hadMeta);
  assert.equal(ended.encoding.explicitVr, false, "its dataset is Implicit VR LE");
});

Deno.test("FileMetaReader.read() leaves a deflated dataset unread for the inflater", () => {
  const file = corpus("pydicom__image_dfl.dcm");
  const { events, queue } = readMeta(file, 0);
  const end = events.at(-1)!;
  assert.ok(end.kind === "metaEnd" && end.encoding.deflated);
  assert.equal(queue.available, file.length - end.offset);
});

Deno.test("FileMetaReader.read() rejects what is not DICOM and oversized File Meta values", () => {
  assert.throws(
    () => readMeta(new Uint8Array([1, 2, 3, 4, 5]), 0),
    (e) => e instanceof DicomParseError && e.offset === 0 && /input too short/.test(e.message),
  );
  assert.throws(() => readMeta(new Uint8Array(200).fill(0x41), 0), /no DICM prefix/);
  const big = concat([
    PREFIX,
    explicit(0x00020001, "OB", new Uint8Array([0, 1])),
    explicitHeader(0x00020002, "UN", 70_000),
  ]);
  assert.throws(
    () => readMeta(big, 0),
    (e) =>
      e instanceof DicomParseError && e.offset === 146 && e.tag === 0x00020002 &&
      e.message === "File Meta value length 70000 is too large at offset 0x92 in (0002,0002)",
  );
});
