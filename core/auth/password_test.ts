import assert from "node:assert/strict";
import { generatePassword, hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "./password.ts";

Deno.test("hashPassword() stores scheme, iterations, salt and hash, never the password", async () => {
  const stored = await hashPassword("correct horse");
  const [scheme, iter, salt, hash] = stored.split("$");
  assert.equal(scheme, "pbkdf2-sha256");
  assert.equal(Number(iter), PBKDF2_ITERATIONS);
  assert.ok(PBKDF2_ITERATIONS >= 600_000);
  assert.ok(salt.length >= 22 && hash.length === 43);
  assert.ok(!stored.includes("correct horse"));
  assert.notEqual(await hashPassword("correct horse"), stored, "fresh salt per hash");
});

Deno.test("verifyPassword() accepts the right password and rejects others", async () => {
  const stored = await hashPassword("pässwörd");
  assert.equal(await verifyPassword("pässwörd", stored), true);
  assert.equal(await verifyPassword("pässwörd ", stored), false);
  assert.equal(await verifyPassword("", stored), false);
});

Deno.test("verifyPassword() rejects malformed and weakened hashes", async () => {
  const stored = await hashPassword("pw");
  const weak = stored.replace("$600000$", "$1000$");
  assert.equal(await verifyPassword("pw", weak), false);
  assert.equal(await verifyPassword("pw", "garbage"), false);
  assert.equal(await verifyPassword("pw", stored + "$x"), false);
});

Deno.test("generatePassword() returns 24 base64url characters", () => {
  const pw = generatePassword();
  assert.match(pw, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(generatePassword(), pw);
});
