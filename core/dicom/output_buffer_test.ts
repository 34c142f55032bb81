import assert from "node:assert/strict";
import { inflateSync } from "fflate";
import { OutputBuffer } from "./output_buffer.ts";
import { concat } from "./file_meta.ts";

Deno.test("OutputBuffer.end() pads an odd deflated stream with one zero that inflaters ignore", () => {
  for (const n of [1, 100, 5000, 70_000]) {
    const buffer = new OutputBuffer();
    buffer.write(Uint8Array.of(1, 2, 3, 4));
    buffer.startDeflate();
    const data = new Uint8Array(n).map((_, i) => (i * 7919) % 251);
    buffer.write(data);
    const out = concat([...buffer.take(), ...buffer.end()]);
    assert.equal(out.length % 2, 0, `${n} bytes deflated to an odd length`);
    assert.deepEqual(inflateSync(out.subarray(4)), data);
  }
});

Deno.test("OutputBuffer.write() coalesces small writes and passes large ones through", () => {
  const buffer = new OutputBuffer();
  const big = new Uint8Array(10_000).fill(9);
  for (let i = 0; i < 3000; i++) buffer.write(Uint8Array.of(i & 0xff, 1));
  buffer.write(big);
  const out = [...buffer.take(), ...buffer.end()];
  assert.ok(out.includes(big), "a large write is handed on by reference");
  assert.ok(out.length <= 5, `${out.length} chunks for 6000 small bytes and one large write`);
  assert.equal(buffer.written, 16_000);
  assert.equal(out.reduce((n, p) => n + p.length, 0), 16_000);
});
