import assert from "node:assert/strict";
import { parseTagMatch, tagMatches, TagTable } from "./tag_match.ts";

Deno.test("parseTagMatch() reads exact tags in the table's and the tuple's spelling", () => {
  for (const text of ["(0010,0010)", "(0x0010, 0x0010)", " ( 0010 , 0010 ) "]) {
    const p = parseTagMatch(text)!;
    assert.ok(tagMatches(p, 0x00100010), text);
    assert.ok(!tagMatches(p, 0x00100020), text);
  }
});

Deno.test("parseTagMatch() keeps a repeating group to its even groups (PS3.5 §7.6)", () => {
  const overlay = parseTagMatch("(60xx,3000)")!;
  assert.ok(tagMatches(overlay, 0x60003000));
  assert.ok(tagMatches(overlay, 0x601e3000));
  assert.ok(!tagMatches(overlay, 0x60013000), "odd group is private");
  assert.ok(!tagMatches(overlay, 0x60203000), "6020 is no overlay group");
  const curve = parseTagMatch("(50xx,xxxx)")!;
  assert.ok(tagMatches(curve, 0x50021234));
  assert.ok(!tagMatches(curve, 0x50031234));
});

Deno.test("parseTagMatch() reads x nibbles outside a group as plain wildcards", () => {
  const p = parseTagMatch("(0019,xx23)")!;
  assert.ok(tagMatches(p, 0x00191023));
  assert.ok(tagMatches(p, 0x0019ff23));
  assert.ok(!tagMatches(p, 0x00191024));
});

Deno.test("parseTagMatch() reads dicom-anonymizer's masked 4-tuple", () => {
  for (const text of ["(0x2001, 0x1001, 0xFFFF, 0xFF00)", "(2001,1001,ffff,ff00)"]) {
    const p = parseTagMatch(text)!;
    assert.ok(tagMatches(p, 0x20011001), text);
    assert.ok(tagMatches(p, 0x200110ff), text);
    assert.ok(!tagMatches(p, 0x20011101), text);
  }
  assert.equal(parseTagMatch("(0x2001, 0x1001, 0xFFFF)"), undefined);
  assert.equal(parseTagMatch("(201, 0x1001, 0xFFFF, 0xFF00)"), undefined);
});

Deno.test("parseTagMatch() refuses what is no tag pattern", () => {
  for (const text of ["PatientName", "(0010)", "(00100,0010)", "(0010,0010,0020)", ""]) {
    assert.equal(parseTagMatch(text), undefined, text);
  }
});

Deno.test("TagTable.get() prefers an exact entry over a masked one", () => {
  const table = new TagTable<string>();
  table.add(parseTagMatch("(60xx,3000)")!, "masked");
  table.add(parseTagMatch("(6002,3000)")!, "exact");
  assert.equal(table.get(0x60023000), "exact");
  assert.equal(table.get(0x60043000), "masked");
  assert.equal(table.get(0x60053000), undefined);
});
