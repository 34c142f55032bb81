import assert from "node:assert/strict";
import { accepts, isValidBoundary, parseMediaType } from "./media_type.ts";

Deno.test("parseMediaType() reads quoted and unquoted parameters", () => {
  const m = parseMediaType(
    'Multipart/Related; type="application/dicom"; boundary=abc-123 ;start="<x\\"y>"',
  );
  assert.equal(m?.essence, "multipart/related");
  assert.equal(m?.params.get("type"), "application/dicom");
  assert.equal(m?.params.get("boundary"), "abc-123");
  assert.equal(m?.params.get("start"), '<x"y>');
  const q = parseMediaType('multipart/related; boundary="a b:c=d?"; type=application/dicom;');
  assert.equal(q?.params.get("boundary"), "a b:c=d?");
  assert.equal(q?.params.get("type"), "application/dicom");
});

Deno.test("parseMediaType() returns null for malformed values", () => {
  for (
    const bad of [
      "",
      "multipart",
      "a/b/c",
      "multipart/related; boundary",
      'multipart/related; boundary="open',
      "multipart/related; boundary=a b",
      'multipart/related; boundary="x" junk',
      "multi part/related",
    ]
  ) assert.equal(parseMediaType(bad), null, bad);
});

Deno.test("accepts() honours exact types, wildcards and q=0", () => {
  const offered = ["application/dicom+json", "application/json"];
  assert.ok(accepts(undefined, offered));
  assert.ok(accepts("application/dicom+json", offered));
  assert.ok(accepts("application/dicom+xml, application/*;q=0.5", offered));
  assert.ok(accepts("*/*", offered));
  assert.ok(!accepts("application/dicom+xml", offered));
  assert.ok(!accepts("application/dicom+json;q=0", offered));
  assert.ok(!accepts("text/*", offered));
});

Deno.test("isValidBoundary() follows RFC 2046 bchars and length", () => {
  assert.ok(isValidBoundary("a"));
  assert.ok(isValidBoundary("x".repeat(70)));
  assert.ok(isValidBoundary("DICOM boundary'()+_,-./:=?"));
  assert.ok(!isValidBoundary(""));
  assert.ok(!isValidBoundary("x".repeat(71)));
  assert.ok(!isValidBoundary("ends in space "));
  assert.ok(!isValidBoundary("semi;colon"));
  assert.ok(!isValidBoundary('quote"'));
});
