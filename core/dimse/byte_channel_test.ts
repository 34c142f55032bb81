import assert from "node:assert/strict";
import { ByteChannel } from "./byte_channel.ts";

const tick = () => new Promise((r) => setTimeout(r, 5));

Deno.test("ByteChannel.write() resolves only when the consumer comes back for more", async () => {
  const ch = new ByteChannel();
  const it = ch[Symbol.asyncIterator]();
  let acked = false;
  const write = ch.write(Uint8Array.of(1)).then(() => acked = true);
  assert.deepEqual(await it.next(), { value: Uint8Array.of(1), done: false });
  await tick();
  assert.equal(acked, false, "acknowledged while the consumer still holds the chunk");
  const next = it.next();
  await write;
  assert.equal(acked, true);
  ch.close();
  assert.deepEqual(await next, { value: undefined, done: true });
});

Deno.test("ByteChannel hands chunks over in order to a waiting consumer", async () => {
  const ch = new ByteChannel();
  const got: number[] = [];
  const consumer = (async () => {
    for await (const c of ch) got.push(c[0]);
  })();
  for (let i = 0; i < 5; i++) await ch.write(Uint8Array.of(i));
  ch.close();
  await consumer;
  assert.deepEqual(got, [0, 1, 2, 3, 4]);
});

Deno.test("ByteChannel.abandon() releases a blocked producer; fail() reaches the consumer", async () => {
  const ch = new ByteChannel();
  const consumer = (async () => {
    for await (const _ of ch) throw new RangeError("consumer gives up");
  })();
  await ch.write(Uint8Array.of(1)); // taken, then the loop throws: return() abandons
  await assert.rejects(consumer, RangeError);
  assert.equal(ch.abandoned, true);
  await ch.write(Uint8Array.of(2)); // returns at once instead of hanging

  const failing = new ByteChannel();
  const it = failing[Symbol.asyncIterator]();
  const pending = it.next();
  failing.fail(new Error("association aborted"));
  await assert.rejects(pending, /association aborted/);

  const stuck = new ByteChannel();
  const blocked = stuck.write(Uint8Array.of(3)); // nobody reads
  stuck.abandon();
  await blocked;
});
