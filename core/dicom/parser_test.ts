import assert from "node:assert/strict";
import { DicomParseError } from "./errors.ts";
import { DicomParser } from "./parser.ts";
import { EXPLICIT_VR_LE, IMPLICIT_VR_LE } from "./transfer_syntax.ts";
import {
  concat,
  definedItem,
  explicit,
  explicitHeader,
  implicit,
  implicitHeader,
  item,
  ITEM_END,
  part10,
  SEQ_END,
  u32,
} from "../../tests/fixtures/build.ts";
import { CHUNK_SIZES, parseJoined } from "../../tests/support/run_codec.ts";
import type { DicomEvent } from "./events.ts";

const kinds = (events: DicomEvent[]) => events.map((e) => e.kind);
const datasetKinds = (events: DicomEvent[]) =>
  kinds(events.slice(events.findIndex((e) => e.kind === "metaEnd") + 1));

function parseError(bytes: Uint8Array): DicomParseError {
  for (const size of CHUNK_SIZES) {
    try {
      parseJoined(bytes, size);
    } catch (e) {
      if (size === 0) return e as DicomParseError;
      continue;
    }
    assert.fail(`no error at chunk size ${size}`);
  }
  assert.fail("unreachable");
}

Deno.test("DicomParser() synthesizes itemEnd and sequenceEnd for defined-length items", () => {
  const inner = definedItem(explicit(0x00081150, "UI", "1.2\0"));
  const seq = concat([explicitHeader(0x00081140, "SQ", inner.length), inner]);
  const events = parseJoined(part10(EXPLICIT_VR_LE, seq, explicit(0x00100010, "PN", "A^B ")), 0);
  assert.deepEqual(datasetKinds(events), [
    "sequenceStart",
    "itemStart",
    "element",
    "value",
    "itemEnd",
    "sequenceEnd",
    "element",
    "value",
  ]);
});

Deno.test("DicomParser() reads undefined-length sequences and items with delimiters", () => {
  const seq = concat([
    explicitHeader(0x00081140, "SQ", 0xffffffff),
    item(0xffffffff, explicit(0x00081150, "UI", "1.2\0"), ITEM_END),
    SEQ_END,
  ]);
  const events = parseJoined(part10(EXPLICIT_VR_LE, seq), 0);
  assert.deepEqual(datasetKinds(events), [
    "sequenceStart",
    "itemStart",
    "element",
    "value",
    "itemEnd",
    "sequenceEnd",
  ]);
});

Deno.test("DicomParser() reads a UN of undefined length as an Implicit VR LE sequence", () => {
  const un = concat([
    explicitHeader(0x00091010, "UN", 0xffffffff),
    item(0xffffffff, implicit(0x00100010, "A^B "), ITEM_END),
    SEQ_END,
  ]);
  const events = parseJoined(part10(EXPLICIT_VR_LE, un), 0);
  const start = events.find((e) => e.kind === "sequenceStart");
  assert.equal(start?.kind === "sequenceStart" && start.vr, "UN");
  const el = events.find((e) => e.kind === "element" && e.tag === 0x00100010);
  assert.equal(el?.kind === "element" && el.vr, "PN"); // VR from the dictionary: implicit inside
});

Deno.test("DicomParser() emits encapsulated Pixel Data as fragments with zero-copy values", () => {
  const pixels = concat([
    explicitHeader(0x7fe00010, "OB", 0xffffffff),
    item(0), // empty Basic Offset Table
    item(4, Uint8Array.of(1, 2, 3, 4)),
    SEQ_END,
  ]);
  const bytes = part10("1.2.840.10008.1.2.4.50", pixels);
  const parser = new DicomParser();
  const events = [...parser.push(bytes), ...parser.finish()];
  assert.deepEqual(datasetKinds(events), [
    "pixelSequenceStart",
    "fragment",
    "fragment",
    "value",
    "sequenceEnd",
  ]);
  const value = events.findLast((e) => e.kind === "value");
  assert.ok(value?.kind === "value");
  assert.equal(value.bytes.buffer, bytes.buffer, "a view of the input, not a copy");
});

Deno.test("DicomParser() reads input without preamble and File Meta as Implicit VR LE", () => {
  const bytes = concat([implicit(0x00080016, "1.2\0"), implicit(0x00100010, "A^B ")]);
  const events = parseJoined(bytes, 0);
  const end = events.find((e) => e.kind === "metaEnd");
  assert.ok(end?.kind === "metaEnd");
  assert.equal(end.encoding.transferSyntax, IMPLICIT_VR_LE);
  assert.equal(end.hadMeta, false);
  assert.equal(events[0].kind, "metaEnd", "no preamble event");
});

Deno.test("DicomParser() rejects bytes that are not DICOM at offset 0", () => {
  const err = parseError(new TextEncoder().encode('{"00080016": {"vr": "UI"}}'));
  assert.ok(err instanceof DicomParseError);
  assert.equal(err.offset, 0);
  assert.match(err.message, /^Not DICOM/);
});

Deno.test("DicomParser() rejects an absurd length on a short value before allocating", () => {
  const bytes = concat([implicit(0x00080016, "1.2\0"), implicitHeader(0x00100010, 0xfffffff0)]);
  const err = parseError(bytes);
  assert.equal(err.tag, 0x00100010);
  assert.equal(err.offset, 12);
  assert.match(err.message, /Value length 4294967280 is not plausible for PN/);
});

Deno.test("DicomParser() rejects a value that runs past its defined-length item", () => {
  const lying = concat([item(12, explicitHeader(0x00100010, "PN", 200), new Uint8Array(4))]);
  const seq = concat([explicitHeader(0x00081140, "SQ", lying.length), lying]);
  const err = parseError(part10(EXPLICIT_VR_LE, seq));
  assert.equal(err.tag, 0x00100010);
  assert.match(err.message, /runs past the enclosing item/);
});

Deno.test("DicomParser() reports truncation with the tag and offset, never a value", () => {
  const bytes = part10(EXPLICIT_VR_LE, explicit(0x00100010, "PN", "SECRET^NAME "));
  const err = parseError(bytes.subarray(0, bytes.length - 5));
  assert.equal(err.tag, 0x00100010);
  assert.match(
    err.message,
    /^Truncated value: 5 bytes missing at offset 0x[0-9A-F]+ in \(0010,0010\)$/,
  );
  assert.doesNotMatch(err.message, /SECRET/);
});

Deno.test("DicomParser() rejects an unclosed undefined-length sequence at end of input", () => {
  const seq = concat([explicitHeader(0x00081140, "SQ", 0xffffffff), item(0xffffffff)]);
  const err = parseError(part10(EXPLICIT_VR_LE, seq));
  assert.match(err.message, /not closed/);
  assert.equal(err.tag, 0x00081140);
});

Deno.test("DicomParser() limits nesting depth", () => {
  const levels = 300;
  const open = concat(
    Array.from(
      { length: levels },
      () => concat([explicitHeader(0x00081140, "SQ", 0xffffffff), item(0xffffffff)]),
    ),
  );
  const err = parseError(part10(EXPLICIT_VR_LE, open));
  assert.match(err.message, /Nesting deeper than 256 levels/);
});

Deno.test("DicomParser() keeps an odd value length as found", () => {
  const events = parseJoined(part10(EXPLICIT_VR_LE, explicit(0x00100010, "PN", "ABC")), 0);
  const el = events.find((e) => e.kind === "element" && e.tag === 0x00100010);
  assert.equal(el?.kind === "element" && el.length, 3);
});

Deno.test("DicomParser() reads an unknown VR code with a 16-bit length and relabels it", () => {
  const bad = concat([
    u32(0x01200028).subarray(0, 4),
    new TextEncoder().encode("  "),
    Uint8Array.of(2, 0, 0, 0),
  ]);
  const events = parseJoined(part10(EXPLICIT_VR_LE, bad, explicit(0x00281050, "DS", "1 ")), 0);
  const el = events.find((e) => e.kind === "element" && e.tag === 0x00280120);
  assert.equal(el?.kind === "element" && el.vr, "US");
  assert.ok(events.some((e) => e.kind === "element" && e.tag === 0x00281050));
});
