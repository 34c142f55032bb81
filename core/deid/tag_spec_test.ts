import assert from "node:assert/strict";
import { tag } from "../dicom/tag.ts";
import { DeidPolicyError } from "./errors.ts";
import { matchesTagPattern } from "./profile.ts";
import { parseTagSpec } from "./tag_spec.ts";

const PATIENT_ID = { pattern: "(0010,0020)", value: 0x00100020, mask: 0xffffffff };

Deno.test("parseTagSpec() accepts every exact form of Patient ID", () => {
  for (
    const spec of [
      "(0x0010, 0x0020)",
      "(0x0010,0x0020)",
      "( 0X0010 ,  0x0020 )",
      "(0010,0020)",
      "(0010, 0020)",
      "0010,0020",
      "0x0010, 0x0020",
      "00100020",
      "0x00100020",
      "0X00100020",
      "  PatientID ",
      "(0x10, 0x20)",
      "(0x00010, 0x0020)",
    ]
  ) {
    assert.deepEqual(parseTagSpec(spec), PATIENT_ID, spec);
  }
});

Deno.test("parseTagSpec() normalizes lower-case hex to (GGGG,EEEE)", () => {
  assert.deepEqual(parseTagSpec("(0x7fe0, 0x0010)"), {
    pattern: "(7FE0,0010)",
    value: 0x7fe00010,
    mask: 0xffffffff,
  });
  assert.equal(parseTagSpec("0008103e").pattern, "(0008,103E)");
});

Deno.test("parseTagSpec() reads the README's tags", () => {
  assert.equal(parseTagSpec("(0x0008, 0x0020)").value, tag(0x0008, 0x0020));
  assert.equal(parseTagSpec("(0x0010, 0x0010)").value, tag(0x0010, 0x0010));
  assert.equal(parseTagSpec("(0x0002, 0x0002)").value, tag(0x0002, 0x0002));
});

Deno.test("parseTagSpec() masks the reference's 4-tuple range (group, element, masks)", () => {
  const p = parseTagSpec("(0x2001, 0x1001, 0xFFFF, 0xFF00)");
  // Stored masked: the reference's (e & 0xFF00) == 0x1001 can never hold; this is its intent.
  assert.deepEqual(p, {
    pattern: "(0x2001, 0x1001, 0xFFFF, 0xFF00)",
    value: 0x20011000,
    mask: 0xffffff00,
  });
  assert.ok(matchesTagPattern(p, tag(0x2001, 0x1001)));
  assert.ok(matchesTagPattern(p, tag(0x2001, 0x1000)));
  assert.ok(matchesTagPattern(p, tag(0x2001, 0x10ff)));
  assert.ok(!matchesTagPattern(p, tag(0x2001, 0x1101)));
  assert.ok(!matchesTagPattern(p, tag(0x2003, 0x1001)));
});

Deno.test("parseTagSpec() reads the reference's curve range (0x5000, 0x0000, 0xFF00, 0x0000)", () => {
  const p = parseTagSpec("(0x5000, 0x0000, 0xFF00, 0x0000)");
  assert.ok(matchesTagPattern(p, tag(0x5012, 0x3000)));
  assert.ok(!matchesTagPattern(p, tag(0x6000, 0x3000)));
});

Deno.test("parseTagSpec() delegates x-nibble forms to compileTagPattern()", () => {
  for (const spec of ["(60xx,3000)", "(60XX, 3000)", "(60xx, 0x3000)"]) {
    const p = parseTagSpec(spec);
    assert.equal(p.pattern, "(60xx,3000)", spec);
    assert.ok(matchesTagPattern(p, tag(0x6002, 0x3000)), spec);
    assert.ok(!matchesTagPattern(p, tag(0x6001, 0x3000)), spec);
  }
  assert.equal(parseTagSpec("(0x0010, 00xx)").pattern, "(0010,00xx)");
});

Deno.test("parseTagSpec() reads 0x60 as the number 0x0060, not a nibble pattern", () => {
  assert.deepEqual(parseTagSpec("(0x60,0x10)"), {
    pattern: "(0060,0010)",
    value: 0x00600010,
    mask: 0xffffffff,
  });
});

Deno.test("parseTagSpec() widens a repeating-group keyword to every group", () => {
  const overlay = parseTagSpec("OverlayData");
  assert.equal(overlay.pattern, "(60xx,3000)");
  assert.ok(matchesTagPattern(overlay, tag(0x601e, 0x3000)));
  assert.equal(parseTagSpec("PatientName").pattern, "(0010,0010)");
});

Deno.test("parseTagSpec() rejects malformed specs naming the spec", () => {
  for (
    const spec of [
      "",
      "   ",
      "NotAKeyword",
      "patientid",
      "(16, 32)",
      "(010,0020)",
      "(00010,0020)",
      "0010002",
      "001000200",
      "0x1000020",
      "(0x10000, 0x0020)",
      "(0x0010, 0x0020, 0xFFFF)",
      "(0x0010)",
      "(0x0010, 0x0020",
      "0x0010, 0x0020)",
      "(60xx, 3000, 0xFFFF, 0xFFFF)",
      "(0010;0020)",
      "(0xg010, 0x0020)",
      "Patient ID",
    ]
  ) {
    assert.throws(
      () => parseTagSpec(spec),
      (e: unknown) =>
        e instanceof DeidPolicyError && e.message.includes(JSON.stringify(spec.trim() || spec)),
      spec,
    );
  }
});

Deno.test("parseTagSpec() cuts a long spec short in its message", () => {
  const spec = "A".repeat(500);
  assert.throws(() => parseTagSpec(spec), (e: Error) => e.message.length < 200);
});
