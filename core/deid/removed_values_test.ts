import assert from "node:assert/strict";
import { MAX_REMEMBERED, RemovedValues } from "./removed_values.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

Deno.test("RemovedValues.has() matches a whole value or a part of 2+ characters, any case", () => {
  const r = new RemovedValues();
  r.remember(ascii("DOE^JOHN^^DR "), "PN", []);
  r.remember(ascii("MRN123\\OTHER7\0"), "LO", []);
  r.remember(ascii("X"), "SH", []);
  for (const yes of ["doe^john^^dr", "DOE", " john ", "Dr", "mrn123", "other7", "x"]) {
    assert.equal(r.has(yes), true, yes);
  }
  for (const no of ["JOH", "DOE^JOHN^", "MRN12", "OTHER", "", "Y", "MRN123\\OTHER"]) {
    assert.equal(r.has(no), false, no);
  }
});

Deno.test("RemovedValues.has() decodes non-ASCII values with their character set", () => {
  const r = new RemovedValues();
  // ISO 8859-1: "MÜLLER^JÖRG" with Ü = 0xDC and Ö = 0xD6.
  r.remember(
    Uint8Array.of(0x4d, 0xdc, 0x4c, 0x4c, 0x45, 0x52, 0x5e, 0x4a, 0xd6, 0x52, 0x47),
    "PN",
    [
      "ISO_IR 100",
    ],
  );
  assert.equal(r.has("Müller"), true);
  assert.equal(r.has("JÖRG"), true);
  assert.equal(r.has("MULLER"), false);
});

Deno.test("RemovedValues.remember() copies the bytes, so a reused buffer changes nothing", () => {
  const r = new RemovedValues();
  const buffer = ascii("SECRET");
  r.remember(buffer, "LO", []);
  buffer.fill(0x41);
  assert.equal(r.has("secret"), true);
  assert.equal(r.has("AAAAAA"), false);
});

Deno.test("RemovedValues.remember() keeps at most MAX_REMEMBERED values", () => {
  const r = new RemovedValues();
  for (let i = 0; i <= MAX_REMEMBERED; i++) r.remember(ascii(`N${i}`), "LO", []);
  assert.equal(r.has(`N${MAX_REMEMBERED - 1}`), true);
  assert.equal(r.has(`N${MAX_REMEMBERED}`), false);
});
