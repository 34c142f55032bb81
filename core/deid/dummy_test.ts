import assert from "node:assert/strict";
import type { Vr } from "../dicom/vr.ts";
import { dummyValue, padToEven } from "./dummy.ts";

/**
 * Syntax and maximum length (bytes, before padding) per text VR, from PS3.5 Table 6.2-1. The
 * free-text classes are printable ASCII (no backslash where it would split values): stricter
 * than the VRs allow, which is what a dummy should meet.
 */
const TEXT_RULES: ReadonlyArray<readonly [Vr, RegExp, number]> = [
  ["AE", /^[\x20-\x5b\x5d-\x7e]*[^ ][\x20-\x5b\x5d-\x7e]*$/, 16],
  ["AS", /^[0-9]{3}[DWMY]$/, 4],
  ["CS", /^[A-Z0-9 _]+$/, 16],
  ["DA", /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/, 8],
  ["DS", /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/, 16],
  ["DT", /^[0-9]{14}\.[0-9]{6}[+-][0-9]{4}$/, 26],
  ["IS", /^[+-]?[0-9]+$/, 12],
  ["LO", /^[\x20-\x5b\x5d-\x7e]+$/, 64],
  ["LT", /^[\x20-\x7e]+$/, 10240],
  ["PN", /^[\x20-\x5b\x5d-\x7e]+$/, 64],
  ["SH", /^[\x20-\x5b\x5d-\x7e]+$/, 16],
  ["ST", /^[\x20-\x7e]+$/, 1024],
  ["TM", /^([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]\.[0-9]{1,6}$/, 14],
  ["UC", /^[\x20-\x5b\x5d-\x7e]+$/, 2 ** 32 - 2],
  // RFC 3986 scheme ":" then unreserved/sub-delims/":"/"@"/"/" characters, no spaces.
  ["UR", /^[a-z][a-z0-9+.-]*:[A-Za-z0-9._~!$&'()*+,;=:@/-]+$/, 2 ** 32 - 2],
  ["UT", /^[\x20-\x7e]+$/, 2 ** 32 - 2],
];

/** Binary VRs: byte length and a reader of one value in a byte order. */
const BINARY_RULES: ReadonlyArray<readonly [Vr, number, (v: DataView, le: boolean) => unknown]> = [
  ["AT", 4, (v, le) => [v.getUint16(0, le), v.getUint16(2, le)].join()],
  ["FD", 8, (v, le) => v.getFloat64(0, le)],
  ["FL", 4, (v, le) => v.getFloat32(0, le)],
  ["OB", 2, (v) => v.getUint16(0)],
  ["OD", 8, (v, le) => v.getFloat64(0, le)],
  ["OF", 4, (v, le) => v.getFloat32(0, le)],
  ["OL", 4, (v, le) => v.getUint32(0, le)],
  ["OV", 8, (v, le) => v.getBigUint64(0, le)],
  ["OW", 2, (v, le) => v.getUint16(0, le)],
  ["SL", 4, (v, le) => v.getInt32(0, le)],
  ["SS", 2, (v, le) => v.getInt16(0, le)],
  ["SV", 8, (v, le) => v.getBigInt64(0, le)],
  ["UL", 4, (v, le) => v.getUint32(0, le)],
  ["UN", 2, (v) => v.getUint16(0)],
  ["US", 2, (v, le) => v.getUint16(0, le)],
  ["UV", 8, (v, le) => v.getBigUint64(0, le)],
];

const ascii = (bytes: Uint8Array) => new TextDecoder("latin1").decode(bytes);

Deno.test("dummyValue() text VRs are even, space-padded and valid for the VR", () => {
  for (const [vr, syntax, max] of TEXT_RULES) {
    const bytes = dummyValue(vr, true);
    assert.equal(bytes.length % 2, 0, `${vr} odd length`);
    assert.ok(bytes.length > 0, `${vr} empty`);
    assert.ok(bytes.every((b) => b < 0x80 && b !== 0), `${vr} not plain ASCII`);
    const text = ascii(bytes).replace(/ $/, "");
    assert.match(text, syntax, `${vr} value ${text}`);
    assert.ok(text.length <= max, `${vr} too long`);
    assert.deepEqual(dummyValue(vr, false), bytes, `${vr} depends on byte order`);
  }
});

Deno.test("dummyValue() matches the reference tool's values where it has them", () => {
  assert.equal(ascii(dummyValue("DA", true)), "19000101");
  assert.equal(ascii(dummyValue("TM", true)), "000000.00 ");
  assert.equal(ascii(dummyValue("DT", true)), "19000101000000.000000+0000");
  assert.equal(ascii(dummyValue("PN", true)), "Anonymized");
  assert.equal(ascii(dummyValue("IS", true)), "0 ");
  assert.equal(ascii(dummyValue("CS", true)), "ANONYMIZED");
});

Deno.test("dummyValue() binary VRs are one zero of the VR's size in either byte order", () => {
  for (const [vr, length, read] of BINARY_RULES) {
    for (const le of [true, false]) {
      const bytes = dummyValue(vr, le);
      assert.equal(bytes.length, length, `${vr} length`);
      const value = read(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), le);
      assert.ok(value === 0 || value === 0n || value === "0,0", `${vr} is ${value}`);
      assert.ok(!Object.is(value, -0), `${vr} is negative zero`);
    }
  }
});

Deno.test("dummyValue() covers every VR but UI and SQ, which throw TypeError", () => {
  const covered = new Set([...TEXT_RULES, ...BINARY_RULES].map(([vr]) => vr));
  assert.equal(covered.size, 32);
  assert.throws(() => dummyValue("UI", true), TypeError);
  assert.throws(() => dummyValue("SQ", true), TypeError);
});

Deno.test("padToEven() pads UI with NUL, text with space and binary with zero", () => {
  const odd = Uint8Array.of(0x31, 0x2e, 0x32);
  assert.deepEqual(padToEven(odd, "UI"), Uint8Array.of(0x31, 0x2e, 0x32, 0x00));
  assert.deepEqual(padToEven(odd, "LO"), Uint8Array.of(0x31, 0x2e, 0x32, 0x20));
  assert.deepEqual(padToEven(odd, "OB"), Uint8Array.of(0x31, 0x2e, 0x32, 0x00));
  const even = Uint8Array.of(1, 2);
  assert.equal(padToEven(even, "LO"), even);
  assert.equal(padToEven(new Uint8Array(0), "UI").length, 0);
});
