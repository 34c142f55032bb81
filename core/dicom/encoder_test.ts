import assert from "node:assert/strict";
import { inflateSync } from "fflate";
import { DicomEncoder } from "./encoder.ts";
import type { DicomEvent } from "./events.ts";
import { padUid } from "./file_meta.ts";
import { DicomPipeline } from "./streams.ts";
import { DEFLATED_EXPLICIT_VR_LE, EXPLICIT_VR_LE } from "./transfer_syntax.ts";
import {
  concat,
  explicit,
  explicitHeader,
  implicit,
  item,
  ITEM_END,
  part10,
  SEQ_END,
  u32,
} from "../../tests/fixtures/build.ts";
import { CHUNK_SIZES, parseJoined, roundTrip } from "../../tests/support/run_codec.ts";
import { corpusPath } from "../../tests/support/manifest.ts";

const elements = (events: DicomEvent[]) =>
  events.flatMap((e) => (e.kind === "element" ? [e.tag] : []));

Deno.test("DicomEncoder() recomputes (0002,0000) and drops dataset group lengths", () => {
  const input = part10(
    EXPLICIT_VR_LE,
    explicit(0x00080000, "UL", u32(999)),
    explicit(0x00100010, "PN", "A^B "),
  );
  const out = parseJoined(roundTrip(input, 0), 0);
  assert.ok(!elements(out).includes(0x00080000));
  const metaLength = out.findIndex((e) => e.kind === "element" && e.tag === 0x00020000);
  const value = out[metaLength + 1];
  assert.ok(value.kind === "value");
  const metaEnd = out.find((e) => e.kind === "metaEnd");
  assert.ok(metaEnd?.kind === "metaEnd");
  const declared = new DataView(value.bytes.buffer, value.bytes.byteOffset).getUint32(0, true);
  assert.equal(declared, metaEnd.offset - (132 + 12)); // meta body after its own 12-byte element
});

Deno.test("DicomEncoder() writes sequences and items with undefined length", () => {
  const inner = concat([item(12, explicit(0x00081150, "UI", "1.2\0"))]);
  const input = part10(EXPLICIT_VR_LE, explicitHeader(0x00081140, "SQ", inner.length), inner);
  const out = parseJoined(roundTrip(input, 0), 0);
  const seq = out.find((e) => e.kind === "sequenceStart");
  const it = out.find((e) => e.kind === "itemStart");
  assert.equal(seq?.kind === "sequenceStart" && seq.length, 0xffffffff);
  assert.equal(it?.kind === "itemStart" && it.length, 0xffffffff);
});

Deno.test("DicomEncoder() gives input without File Meta a complete one from the dataset", () => {
  const input = concat([
    implicit(0x00080016, "1.2.840.10008.5.1.4.1.1.7\0"),
    implicit(0x00080018, "1.2.3.4.5.6\0"),
    implicit(0x00100010, "A^B "),
  ]);
  const out = roundTrip(input, 0);
  assert.equal(new TextDecoder().decode(out.subarray(128, 132)), "DICM");
  const events = parseJoined(out, 0);
  const metaUid = (tag: number) => {
    const i = events.findIndex((e) => e.kind === "element" && e.tag === tag);
    const v = events[i + 1];
    return v.kind === "value" ? new TextDecoder().decode(v.bytes).replace(/\0$/, "") : undefined;
  };
  assert.equal(metaUid(0x00020002), "1.2.840.10008.5.1.4.1.1.7");
  assert.equal(metaUid(0x00020003), "1.2.3.4.5.6");
  assert.equal(metaUid(0x00020010), "1.2.840.10008.1.2");
});

Deno.test("DicomEncoder() writes a UN of undefined length back as it came", () => {
  const un = concat([
    explicitHeader(0x00091010, "UN", 0xffffffff),
    item(0xffffffff, implicit(0x00100010, "A^B "), ITEM_END),
    SEQ_END,
  ]);
  const input = part10(EXPLICIT_VR_LE, un);
  assert.deepEqual(roundTrip(input, 0).subarray(-un.length), un);
});

Deno.test("DicomEncoder() output is byte-identical for Explicit VR Big Endian", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__MR_small_bigendian.dcm"));
  const out = roundTrip(bytes, 0);
  const start = (b: Uint8Array) => parseJoined(b, 0).find((e) => e.kind === "metaEnd")!;
  const a = start(bytes), b = start(out);
  assert.ok(a.kind === "metaEnd" && b.kind === "metaEnd");
  assert.deepEqual(out.subarray(b.offset), bytes.subarray(a.offset));
});

Deno.test("DicomEncoder() deflates in fixed blocks: same bytes at every input chunking", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__image_dfl.dcm"));
  const whole = roundTrip(bytes, 0);
  for (const size of CHUNK_SIZES) assert.deepEqual(roundTrip(bytes, size), whole, `chunk ${size}`);
  const end = parseJoined(whole, 0).find((e) => e.kind === "metaEnd");
  assert.ok(end?.kind === "metaEnd" && end.encoding.transferSyntax === DEFLATED_EXPLICIT_VR_LE);
  const inflated = inflateSync(whole.subarray(end.offset));
  const original = parseJoined(bytes, 0).find((e) => e.kind === "metaEnd")!;
  assert.ok(original.kind === "metaEnd");
  assert.deepEqual(inflated, inflateSync(bytes.subarray(original.offset)));
});

/** Makes File Meta longer, so every DICOMDIR record offset must move. */
const longerImplementationUid = {
  push(events: DicomEvent[]): DicomEvent[] {
    return events.flatMap((e, i): DicomEvent[] => {
      const prev = events[i - 1];
      if (e.kind === "element" && e.tag === 0x00020012) {
        return [{
          ...e,
          length: padUid("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20").length,
        }];
      }
      if (e.kind === "value" && prev?.kind === "element" && prev.tag === 0x00020012) {
        return [{
          kind: "value",
          bytes: padUid("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20"),
          last: true,
        }];
      }
      return [e];
    });
  },
  finish: () => [],
};

Deno.test("DicomEncoder() keeps every DICOMDIR record offset pointing at its record", async () => {
  const bytes = await Deno.readFile(corpusPath("pydicom__DICOMDIR"));
  const pipeline = new DicomPipeline([longerImplementationUid]);
  const out = concat([...pipeline.push(bytes), ...pipeline.finish()]);
  assert.notEqual(out.length, bytes.length, "File Meta grew, so offsets had to move");
  const events = parseJoined(out, 0);
  const itemOffsets = new Set(events.flatMap((e) => (e.kind === "itemStart" ? [e.offset] : [])));
  const pointers: number[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.kind === "element" && [0x00041200, 0x00041202, 0x00041400, 0x00041420].includes(e.tag)) {
      const v = events[i + 1];
      assert.ok(v.kind === "value");
      const offset = new DataView(v.bytes.buffer, v.bytes.byteOffset).getUint32(0, true);
      if (offset !== 0) pointers.push(offset);
    }
  }
  assert.ok(pointers.length > 20, `found ${pointers.length} record offsets`);
  for (const p of pointers) assert.ok(itemOffsets.has(p), `offset ${p} points at an item`);
});

Deno.test("DicomEncoder() refuses value bytes beyond the element's declared length", () => {
  const encoder = new DicomEncoder();
  encoder.push([{
    kind: "metaEnd",
    encoding: {
      transferSyntax: EXPLICIT_VR_LE,
      explicitVr: true,
      littleEndian: true,
      deflated: false,
    },
    hadMeta: false,
    offset: 0,
  }]);
  assert.throws(() =>
    encoder.push([
      { kind: "element", tag: 0x00100010, vr: "PN", length: 2, offset: 0 },
      { kind: "value", bytes: new Uint8Array(4), last: true },
    ]), /longer than its element's length/);
});
