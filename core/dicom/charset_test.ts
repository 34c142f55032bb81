import assert from "node:assert/strict";
import { decodeText, encodeText, isAsciiOnly, parseSpecificCharacterSet } from "./charset.ts";
import type { Vr } from "./vr.ts";
import { findElement, findElements } from "../../tests/support/find_element.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);
const PATIENT_NAME = 0x00100010;
const SPECIFIC_CHARACTER_SET = 0x00080005;

function load(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, CORPUS));
}

/** The last (0008,0005) in the file: chrSQEncoding's item redefines it for its PatientName. */
function charsetsOf(file: Uint8Array): string[] {
  const raw = findElements(file, SPECIFIC_CHARACTER_SET).at(-1) ?? new Uint8Array();
  return parseSpecificCharacterSet(new TextDecoder().decode(raw));
}

function decodeFrom(name: string, tag: number, vr: Vr): string {
  const file = load(name);
  const value = findElement(file, tag);
  assert.ok(value, "element present");
  return decodeText(value, charsetsOf(file), vr);
}

const hex = (s: string) => Uint8Array.from(s.match(/[0-9a-f]{2}/gi) ?? [], (h) => parseInt(h, 16));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

// Expected strings were checked against pydicom 2.3.1 (`str(ds.PatientName)` etc.). pydicom
// strips the trailing space padding and a trailing empty "=" group; decodeText keeps both.
const PATIENT_NAMES: readonly [file: string, expected: string][] = [
  ["pydicom__chrFren.dcm", "Buc^Jérôme"],
  ["pydicom__chrH32.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"],
  ["pydicom__chrKoreanMulti.dcm", "김희중 "],
  ["pydicom__chrSQEncoding.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"],
  ["pydicom__chrX1.dcm", "Wang^XiaoDong=王^小東= "],
  ["pydicom__chrX2.dcm", "Wang^XiaoDong=王^小东="],
];

for (const [file, expected] of PATIENT_NAMES) {
  Deno.test(`decodeText() decodes PatientName of ${file}`, () => {
    assert.equal(decodeFrom(file, PATIENT_NAME, "PN"), expected);
  });
}

Deno.test("parseSpecificCharacterSet() trims terms and keeps an empty value 1", () => {
  const raw = (name: string) =>
    new TextDecoder().decode(findElement(load(name), SPECIFIC_CHARACTER_SET));
  assert.deepEqual(parseSpecificCharacterSet(raw("pydicom__chrKoreanMulti.dcm")), [
    "",
    "ISO 2022 IR 149",
  ]);
  assert.deepEqual(parseSpecificCharacterSet(raw("pydicom__chrH32.dcm")), [
    "ISO 2022 IR 13",
    "ISO 2022 IR 87",
  ]);
  assert.deepEqual(parseSpecificCharacterSet(raw("pydicom__chrX2.dcm")), ["GB18030"]);
  assert.deepEqual(parseSpecificCharacterSet("  "), []);
});

Deno.test("decodeText() resets G1 after each backslash of a multi-valued PN", () => {
  // (0010,1001) OtherPatientNames: two values, each re-designating KS X 1001.
  assert.equal(decodeFrom("pydicom__chrKoreanMulti.dcm", 0x00101001, "PN"), "김희중\\김희중 ");
  assert.equal(decodeFrom("pydicom__chrKoreanMulti.dcm", 0x001021b0, "LT"), "김희중 ");
});

Deno.test("decodeText() returns to the initial set after ^ in PN but not in LT", () => {
  // ESC $)C, 김, "^", then the same bytes without a new ESC: PS3.5 §6.1.2.5.3 resets G1 at "^"
  // in PN, so they fall back to Latin-1 (as in pydicom 2.3); LT has no "^" delimiter.
  const bytes = hex("1b2429 43 b1e8 5e b1e8");
  assert.equal(decodeText(bytes, ["", "ISO 2022 IR 149"], "PN"), "김^±è");
  assert.equal(decodeText(bytes, ["", "ISO 2022 IR 149"], "LT"), "김^김");
});

Deno.test("decodeText() keeps a ^ byte inside a JIS X 0208 character", () => {
  // 5E21 is 沺 and 3D5E is 殉: neither byte is a delimiter while G0 holds JIS X 0208.
  const bytes = hex("1b2442 5e21 3d5e 1b2842 5e 41");
  assert.equal(decodeText(bytes, ["", "ISO 2022 IR 87"], "PN"), "沺殉^A");
});

Deno.test("decodeText() decodes the PS3.5 Annex I Korean and Annex K Chinese examples", () => {
  const korean = hex(
    "486f6e675e47696c646f6e673d 1b242943 fbf3 5e 1b242943 d1ced4d7 3d" +
      "1b242943 c8ab 5e 1b242943 b1e6b5bf",
  );
  assert.equal(decodeText(korean, ["", "ISO 2022 IR 149"], "PN"), "Hong^Gildong=洪^吉洞=홍^길동");
  // pydicom 2.3 leaves the ESC $)A sequences in this one; PS3.5 Annex K gives the text below.
  const chinese = hex("5a68616e675e5869616f446f6e673d 1b242941 d5c5 5e 1b242941 d0a1b6ab 3d");
  assert.equal(
    decodeText(chinese, ["ISO 2022 IR 6", "ISO 2022 IR 58"], "PN"),
    "Zhang^XiaoDong=张^小东=",
  );
});

Deno.test("decodeText() decodes JIS X 0212 and ISO 8859 code extensions", () => {
  assert.equal(
    decodeText(hex("1b242844 3021 1b2842 5e 1b2442 3b33 1b2842"), ["", "ISO 2022 IR 159"], "PN"),
    "丂^山",
  );
  const greek = hex("44696f6e7973696f733d 1b2d46 c4e9efedf5f3e9eff2");
  assert.equal(
    decodeText(greek, ["ISO 2022 IR 100", "ISO 2022 IR 126"], "PN"),
    "Dionysios=Διονυσιος",
  );
  assert.equal(decodeText(hex("c7 61 76 75 fe"), ["ISO_IR 148"], "LO"), "Çavuş");
});

Deno.test("decodeText() marks unknown escapes and broken characters with U+FFFD", () => {
  assert.equal(decodeText(hex("41 1b285a 42"), ["", "ISO 2022 IR 87"], "LO"), "A\uFFFDB");
  assert.equal(decodeText(hex("1b242943 b1"), ["", "ISO 2022 IR 149"], "LO"), "\uFFFD");
});

Deno.test("decodeText() ignores (0008,0005) for default-repertoire VRs", () => {
  assert.equal(decodeText(hex("e9"), ["ISO_IR 192"], "CS"), "é");
});

Deno.test("decodeText() keeps a leading U+FEFF as data", () => {
  assert.equal(decodeText(hex("efbbbf41"), ["ISO_IR 192"], "LO"), "\uFEFFA");
  assert.equal(decodeText(hex("8431953341"), ["GB18030"], "LO"), "\uFEFFA");
});

Deno.test("encodeText() round-trips ISO_IR 100, ISO_IR 192 and GB18030 names", () => {
  const fren = findElement(load("pydicom__chrFren.dcm"), PATIENT_NAME);
  assert.deepEqual(encodeText("Buc^Jérôme", ["ISO_IR 100"]), fren);
  const x1 = findElement(load("pydicom__chrX1.dcm"), PATIENT_NAME)!;
  assert.deepEqual(encodeText("Wang^XiaoDong=王^小東= ", ["ISO_IR 192"]), x1);
  const x2 = findElement(load("pydicom__chrX2.dcm"), PATIENT_NAME)!;
  assert.deepEqual(encodeText("Wang^XiaoDong=王^小东=", ["GB18030"]), x2);
});

Deno.test("encodeText() writes JIS X 0201 katakana for ISO 2022 IR 13", () => {
  const h32 = findElement(load("pydicom__chrH32.dcm"), PATIENT_NAME)!;
  const encoded = encodeText("ﾔﾏﾀﾞ^ﾀﾛｳ", ["ISO 2022 IR 13", "ISO 2022 IR 87"]);
  assert.deepEqual(encoded, h32.subarray(0, 8));
});

Deno.test("encodeText() returns undefined when value 1 cannot hold the text", () => {
  assert.equal(encodeText("山田^太郎", ["ISO_IR 100"]), undefined);
  assert.equal(encodeText("山田", ["ISO 2022 IR 13", "ISO 2022 IR 87"]), undefined);
  assert.equal(encodeText("Jérôme", []), undefined);
  assert.equal(encodeText("김희중", ["", "ISO 2022 IR 149"]), undefined);
  assert.equal(encodeText("A\x1b(BB", ["ISO_IR 100"]), undefined);
  assert.equal(encodeText("A", ["ISO_IR 999"]), undefined);
  assert.deepEqual(encodeText("Yamada", ["", "ISO 2022 IR 149"]), ascii("Yamada"));
});

Deno.test("isAsciiOnly() is false once a byte has the high bit", () => {
  const korean = findElement(load("pydicom__chrKoreanMulti.dcm"), 0x00100020)!;
  assert.equal(isAsciiOnly(korean), true);
  assert.equal(isAsciiOnly(findElement(load("pydicom__chrFren.dcm"), PATIENT_NAME)!), false);
});
