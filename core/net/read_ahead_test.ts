import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { readAhead } from "./read_ahead.ts";

const chunk = (n: number, fill: number) => new Uint8Array(n).fill(fill);

Deno.test("readAhead() joins queued chunks into blocks and keeps every byte in order", async () => {
  const src = new PassThrough();
  for (let i = 0; i < 40; i++) src.write(chunk(1000, i));
  src.end();
  const blocks: Uint8Array[] = [];
  for await (const b of readAhead(src, { block: 4096, highWater: 1 << 20 })) blocks.push(b);
  const all = blocks.flatMap((b) => [...b]);
  assert.equal(all.length, 40_000);
  for (let i = 0; i < 40; i++) assert.equal(all[i * 1000 + 999], i);
  assert.ok(blocks.every((b) => b.length <= 4096), "no block over the limit");
  assert.ok(blocks.length < 40, `chunks were joined (${blocks.length} blocks)`);
});

Deno.test("readAhead() pauses the source at highWater and resumes as the consumer reads", async () => {
  const src = new PassThrough({ highWaterMark: 1024 });
  let written = 0;
  const writer = (async () => {
    for (let i = 0; i < 64; i++) {
      written += 1024;
      if (!src.write(chunk(1024, i))) await new Promise((r) => src.once("drain", r));
    }
    src.end();
  })();
  const blocks = readAhead(src, { block: 1024, highWater: 8192 });
  const first = await blocks.next();
  assert.ok(!first.done);
  await new Promise((r) => setTimeout(r, 50)); // the writer runs ahead while we wait
  // Bounded: what waits in the queue plus the PassThrough's own buffers.
  assert.ok(written <= 8192 + 4 * 1024 + 1024, `${written} bytes written before the consumer read`);
  let total = first.value.length;
  for await (const b of blocks) total += b.length;
  await writer;
  assert.equal(total, 64 * 1024);
});

Deno.test("readAhead() throws the source's error and a close before the end", async () => {
  const failing = new PassThrough();
  failing.write(chunk(10, 1));
  setTimeout(() => failing.destroy(new Error("reset")), 10);
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const b of readAhead(failing)) got.push(b.length);
  }, /reset/);
  assert.deepEqual(got, [10], "bytes before the error are delivered");
  const closed = new PassThrough();
  setTimeout(() => closed.destroy(), 10);
  await assert.rejects(async () => {
    for await (const _ of readAhead(closed)) { /* nothing arrives */ }
  }, /cut off/);
});
