import assert from "node:assert/strict";
import { decodeKeyFile, decodeKeyValue, toHex } from "./key_material.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const SIXTEEN = Uint8Array.from({ length: 16 }, (_, i) => i * 17);

Deno.test("decodeKeyFile() reads hex, then padded base64, then raw text", () => {
  assert.deepEqual(decodeKeyFile(enc(`  ${toHex(SIXTEEN).toUpperCase()}\n`), "k"), SIXTEEN);
  const b64 = btoa(String.fromCharCode(...SIXTEEN));
  assert.equal(b64.length, 24);
  assert.deepEqual(decodeKeyFile(enc(b64 + "\n"), "k"), SIXTEEN);
  const phrase = "correct horse battery staple";
  assert.deepEqual(decodeKeyFile(enc(phrase + "\r\n"), "k"), enc(phrase));
});

Deno.test("decodeKeyFile() takes non-UTF-8 bytes as a binary key", () => {
  const binary = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
  assert.deepEqual(decodeKeyFile(binary, "k"), binary);
});

Deno.test("decodeKeyFile() rejects short keys without showing them", () => {
  const cases: [string, RegExp][] = [
    ["", /holds 0 bytes \(text\)/],
    ["00112233445566778899aabbccddee", /holds 15 bytes \(hex\)/],
    ["short-s3cret", /holds 12 bytes \(text\)/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => decodeKeyFile(enc(text), "/etc/deid.key"), (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /^Key file \/etc\/deid\.key /);
      assert.match(err.message, message);
      if (text !== "") assert.ok(!err.message.includes(text));
      return true;
    });
  }
});

Deno.test("decodeKeyValue() decodes exactly 64 hex digits, else uses UTF-8 bytes", () => {
  const key32 = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  assert.deepEqual(decodeKeyValue(toHex(key32)), key32);
  // 32 hex digits are not 64: taken as 32 bytes of text, as documented.
  const hex32 = toHex(SIXTEEN);
  assert.deepEqual(decodeKeyValue(hex32), enc(hex32));
  assert.deepEqual(decodeKeyValue("sixteen-bytes-ok"), enc("sixteen-bytes-ok"));
});

Deno.test("decodeKeyValue() rejects a short value naming only the variable", () => {
  assert.throws(() => decodeKeyValue("tiny-s3cret"), (err: unknown) => {
    assert.ok(err instanceof RangeError);
    assert.equal(err.message, "DEID_KEY is too short: need at least 16 bytes");
    return true;
  });
});
