import assert from "node:assert/strict";
import { latin1String } from "./latin1.ts";

Deno.test("latin1String() maps each byte to the code unit of the same value", () => {
  for (const n of [0, 1, 1023, 1024, 1025, 10000]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);
    const expected = Array.from(bytes, (b) => String.fromCharCode(b)).join("");
    assert.equal(latin1String(bytes), expected, `length ${n}`);
  }
});

Deno.test("latin1String() keeps 0x80-0x9F as C1 controls (TextDecoder's latin1 does not)", () => {
  assert.equal(latin1String(Uint8Array.of(0x80, 0x9f)), "\x80\x9f");
  assert.notEqual(new TextDecoder("latin1").decode(Uint8Array.of(0x80)), "\x80");
});
