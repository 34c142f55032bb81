import assert from "node:assert/strict";
import { parseSpecificCharacterSet } from "../dicom/charset.ts";
import { latin1String } from "../dicom/latin1.ts";
import { decodeValue, encodeValue } from "./stage_text.ts";
import { findElement } from "../../tests/support/find_element.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url);

/** A real file's Patient Name bytes and the character sets it declares. */
function patientName(name: string): { bytes: Uint8Array; charsets: string[] } {
  const file = Deno.readFileSync(new URL(name, CORPUS));
  const charsets = parseSpecificCharacterSet(latin1String(findElement(file, 0x00080005)!));
  return { bytes: findElement(file, 0x00100010)!, charsets };
}

Deno.test("decodeValue() reads real Latin-1 and ISO 2022 names, padding removed", () => {
  const fren = patientName("pydicom__chrFren.dcm");
  assert.equal(decodeValue(fren.bytes, fren.charsets, "PN"), "Buc^Jérôme");
  const padded = new Uint8Array([...fren.bytes, 0x20, 0x20]);
  assert.equal(decodeValue(padded, fren.charsets, "PN"), "Buc^Jérôme");
  const jp = patientName("pydicom__chrH32.dcm");
  assert.equal(decodeValue(jp.bytes, jp.charsets, "PN"), "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう");
});

Deno.test("encodeValue() writes in the dataset's own character set", () => {
  const fren = patientName("pydicom__chrFren.dcm");
  const notes: string[] = [];
  const bytes = encodeValue("Buc^Jérôme", fren.charsets, 0x00100010, (t) => notes.push(t));
  assert.deepEqual(bytes, fren.bytes.subarray(0, bytes.length), "the file's own bytes");
  assert.equal(bytes.length, 10, "one byte per character in ISO_IR 100, not UTF-8");
  assert.deepEqual(notes, []);
});

Deno.test("encodeValue() replaces what the set cannot write and notes the tag, not the text", () => {
  const notes: string[] = [];
  const bytes = encodeValue("Jérôme 山田", ["ISO_IR 100"], 0x00081030, (t) => notes.push(t));
  assert.equal(new TextDecoder().decode(bytes), "J?r?me ??");
  assert.deepEqual(notes, [
    "(0008,1030): characters outside the dataset's character set replaced by '?'",
  ]);
});
