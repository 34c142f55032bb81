import assert from "node:assert/strict";
import { ByteQueue } from "./byte_queue.ts";

Deno.test("ByteQueue.peek() copies only when bytes straddle chunks", () => {
  const a = Uint8Array.of(1, 2, 3);
  const q = new ByteQueue();
  q.push(a);
  q.push(Uint8Array.of(4, 5));
  assert.equal(q.peek(2).buffer, a.buffer);
  assert.deepEqual(q.peek(4), Uint8Array.of(1, 2, 3, 4));
  assert.equal(q.available, 5);
});

Deno.test("ByteQueue.takeUpTo() returns a view of the front chunk only", () => {
  const q = new ByteQueue();
  q.push(Uint8Array.of(1, 2, 3));
  q.push(Uint8Array.of(4, 5));
  q.skip(1);
  assert.deepEqual(q.takeUpTo(10), Uint8Array.of(2, 3));
  assert.deepEqual(q.takeUpTo(10), Uint8Array.of(4, 5));
  assert.equal(q.available, 0);
});

Deno.test("ByteQueue.byteAt() and skip() work across many chunks", () => {
  const q = new ByteQueue();
  for (let i = 0; i < 100; i++) q.push(Uint8Array.of(i));
  assert.equal(q.byteAt(57), 57);
  q.skip(60);
  assert.equal(q.byteAt(0), 60);
  assert.deepEqual(q.take(3), Uint8Array.of(60, 61, 62));
  assert.throws(() => q.skip(100), RangeError);
});

Deno.test("ByteQueue.drain() hands back every buffered byte", () => {
  const q = new ByteQueue();
  q.push(Uint8Array.of(1, 2));
  q.push(Uint8Array.of(3));
  q.skip(1);
  assert.deepEqual(q.drain(), [Uint8Array.of(2), Uint8Array.of(3)]);
  assert.equal(q.available, 0);
});
