import assert from "node:assert/strict";
import type { DicomEvent } from "../dicom/events.ts";
import { HeaderCollector } from "./header_collector.ts";

const text = (s: string) => new TextEncoder().encode(s);
const us = (n: number) => new Uint8Array([n & 255, n >> 8]);

/** An element with its value in one event. */
function el(tag: number, vr: string, bytes: Uint8Array): DicomEvent[] {
  return [
    { kind: "element", tag, vr: vr as "US", length: bytes.length, offset: 0 },
    { kind: "value", bytes, last: true },
  ];
}
const seq = (tag: number, ...items: DicomEvent[][]): DicomEvent[] => [
  { kind: "sequenceStart", tag, vr: "SQ", length: 0xffffffff, offset: 0 },
  ...items.flatMap((
    i,
  ) => [
    { kind: "itemStart", length: 0xffffffff, offset: 0 } as DicomEvent,
    ...i,
    { kind: "itemEnd" } as DicomEvent,
  ]),
  { kind: "sequenceEnd" },
];
const voi = (c: string, w: string) =>
  seq(0x00289132, [...el(0x00281050, "DS", text(c)), ...el(0x00281051, "DS", text(w))]);

function collect(events: DicomEvent[]) {
  const h = new HeaderCollector();
  for (const e of events) h.consume(e);
  return h.result();
}

Deno.test("HeaderCollector result() ignores an Icon Image Sequence's own Rows", () => {
  const r = collect([
    ...seq(0x00880200, [...el(0x00280010, "US", us(64)), ...el(0x00280011, "US", us(64))]),
    ...el(0x00280010, "US", us(512)),
    ...el(0x00280011, "US", us(256)),
    ...el(0x00280004, "CS", text("MONOCHROME1 ")),
  ]);
  assert.deepEqual([r.rows, r.columns, r.photometric], [512, 256, "MONOCHROME1"]);
});

Deno.test("HeaderCollector result() reads the first of several window values", () => {
  const r = collect([
    ...el(0x00281050, "DS", text("40\\400 ")),
    ...el(0x00281051, "DS", text(" 350\\2000")),
  ]);
  assert.deepEqual([r.windowCenter, r.windowWidth], [40, 350]);
});

Deno.test("HeaderCollector result() takes functional groups: top level, then shared, then frame 1", () => {
  const shared = seq(0x52009229, voi("10", "20"));
  const perFrame = seq(0x52009230, voi("30", "40"), voi("50", "60"));
  assert.deepEqual(collect([...perFrame]).windowCenter, 30);
  assert.deepEqual(collect([...shared, ...perFrame]).windowCenter, 10);
  assert.deepEqual(collect([...el(0x00281050, "DS", text("7")), ...shared]).windowCenter, 7);
});

Deno.test("HeaderCollector result() skips empty and unreadable numbers", () => {
  const r = collect([...el(0x00281050, "DS", text("\\40")), ...el(0x00281053, "DS", text("x"))]);
  assert.equal(r.windowCenter, undefined);
  assert.equal(r.rescaleSlope, undefined);
});
