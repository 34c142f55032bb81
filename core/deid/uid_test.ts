import assert from "node:assert/strict";
import { keyFingerprint, mapUid, mapUidValue, UidMapper } from "./uid.ts";

/** A fixed test key: bytes 0..31. */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const UID_FORMAT = /^2\.25\.[1-9][0-9]*$/;

Deno.test("mapUid() matches a known-answer vector computed with Python's hmac", () => {
  // python3: hmac.new(bytes(range(32)), uid, sha256), first 16 bytes, v8/variant bits set.
  assert.equal(mapUid("1.2.3.4", KEY), "2.25.251204938985385972266469725328945261875");
  assert.equal(
    mapUid("1.2.826.0.1.3680043.2.1125.1", KEY),
    "2.25.310907030169266516229460290560432749815",
  );
});

Deno.test("mapUid() is deterministic for the same key and UID", () => {
  assert.equal(mapUid("1.2.3.4.5", KEY), mapUid("1.2.3.4.5", Uint8Array.from(KEY)));
  assert.notEqual(mapUid("1.2.3.4.5", KEY), mapUid("1.2.3.4.6", KEY));
});

Deno.test("mapUid() gives different outputs for different keys", () => {
  assert.notEqual(mapUid("1.2.3.4.5", KEY), mapUid("1.2.3.4.5", OTHER_KEY));
});

Deno.test("mapUid() output is a valid 2.25 UID of at most 64 characters", () => {
  for (let i = 0; i < 500; i++) {
    const out = mapUid(`1.2.3.${i}`, KEY);
    assert.match(out, UID_FORMAT);
    assert.ok(out.length <= 64, `length ${out.length}`);
  }
});

Deno.test("mapUid() sets the RFC 9562 version-8 and variant bits", () => {
  for (let i = 0; i < 200; i++) {
    const n = BigInt(mapUid(`1.2.3.${i}`, KEY).slice("2.25.".length));
    assert.ok(n < 1n << 128n);
    // Octet 6 is bits 79..72 of the 128-bit big-endian number; octet 8 is bits 63..56.
    assert.equal((n >> 76n) & 0xfn, 0x8n, "version nibble");
    assert.equal((n >> 62n) & 0x3n, 0x2n, "variant bits");
  }
});

Deno.test("mapUid() leaves standard UIDs and the empty value unchanged", () => {
  assert.equal(mapUid("1.2.840.10008.5.1.4.1.1.2", KEY), "1.2.840.10008.5.1.4.1.1.2");
  assert.equal(mapUid("1.2.840.10008.1.2.1\0", KEY), "1.2.840.10008.1.2.1");
  assert.equal(mapUid("", KEY), "");
  assert.equal(mapUid("\0", KEY), "");
  // Only the exact root is exempt: a private UID that merely starts with 1.2.840.10008 is not.
  assert.match(mapUid("1.2.840.100081.2", KEY), UID_FORMAT);
});

Deno.test("mapUid() ignores trailing NUL and space padding", () => {
  const plain = mapUid("1.2.3.4", KEY);
  assert.equal(mapUid("1.2.3.4\0", KEY), plain);
  assert.equal(mapUid("1.2.3.4 ", KEY), plain);
});

Deno.test("mapUidValue() maps each value of a multi-valued UI on its own", () => {
  const a = mapUid("1.2.3.4", KEY);
  const b = mapUid("1.2.3.5", KEY);
  assert.equal(mapUidValue("1.2.3.4\\1.2.3.5\0", KEY), `${a}\\${b}`);
  assert.equal(mapUidValue("1.2.3.4\\1.2.840.10008.1.2", KEY), `${a}\\1.2.840.10008.1.2`);
  assert.equal(mapUidValue("1.2.3.4", KEY), a);
  assert.equal(mapUidValue("", KEY), "");
});

Deno.test("keyFingerprint() is short, stable and reveals no key bytes", () => {
  assert.equal(keyFingerprint(KEY), "6cd5f470663dab0e");
  assert.notEqual(keyFingerprint(OTHER_KEY), keyFingerprint(KEY));
  const hexKey = Array.from(KEY, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.ok(!hexKey.includes(keyFingerprint(KEY)));
});

Deno.test("UidMapper.map() gives mapUidValue's result, from its memo or not", () => {
  const key = new TextEncoder().encode("memo-key-0123456789");
  const mapper = new UidMapper(key, 2);
  for (const raw of ["1.2.3\0", "1.2.3", "1.2.4\\1.2.5", "1.2.840.10008.1.2", "1.2.3"]) {
    assert.equal(mapper.map(raw), mapUidValue(raw, key));
  }
});
