import assert from "node:assert/strict";
import { PreviewUnavailableError } from "./errors.ts";
import { FirstFragments } from "./fragments.ts";
import { RLE_LOSSLESS } from "./transfer_syntaxes.ts";

const JPEG = "1.2.840.10008.1.2.4.50";

/** Feeds items (offset table first) to a collector, each value split into `split`-byte events. */
function feed(f: FirstFragments, items: Uint8Array[], split = 1000): void {
  for (const item of items) {
    if (f.done) return;
    f.fragment(item.length);
    for (let at = 0; at < item.length; at += split) f.value(item.subarray(at, at + split));
  }
  f.end();
}

const bytes = (...b: number[]) => new Uint8Array(b);
const table = (...offsets: number[]) => new Uint8Array(new Uint32Array(offsets).buffer);

Deno.test("FirstFragments frame() takes every fragment of a single-frame image", () => {
  const f = new FirstFragments(1, JPEG, 1024);
  feed(f, [bytes(), bytes(0xff, 0xd8, 1), bytes(0xff, 0xd8, 2)]);
  assert.deepEqual(f.frame(), bytes(0xff, 0xd8, 1, 0xff, 0xd8, 2));
});

Deno.test("FirstFragments frame() stops at the offset table's second offset", () => {
  const f = new FirstFragments(2, JPEG, 1024);
  // Frame 1 = fragments of 4 and 2 bytes (items of 12 + 10 bytes): frame 2 starts at 22.
  feed(f, [table(0, 22), bytes(0xff, 0xd8, 1, 2), bytes(3, 4), bytes(0xff, 0xd8, 9, 9)]);
  assert.ok(f.done);
  assert.deepEqual(f.frame(), bytes(0xff, 0xd8, 1, 2, 3, 4));
});

Deno.test("FirstFragments frame() without offsets ends at the next start-of-image marker", () => {
  for (const split of [1, 2, 1000]) {
    const f = new FirstFragments(3, JPEG, 1024);
    feed(f, [bytes(), bytes(0xff, 0xd8, 1), bytes(7), bytes(0xd8, 8), bytes(0xff, 0xd8, 2)], split);
    assert.deepEqual(f.frame(), bytes(0xff, 0xd8, 1, 7, 0xd8, 8), `split ${split}`);
  }
});

Deno.test("FirstFragments frame() takes one fragment per frame for RLE without offsets", () => {
  const f = new FirstFragments(2, RLE_LOSSLESS, 1024);
  feed(f, [bytes(), bytes(1, 0, 0, 0), bytes(2, 0, 0, 0)]);
  assert.deepEqual(f.frame(), bytes(1, 0, 0, 0));
});

Deno.test("FirstFragments value() refuses a frame over its limit", () => {
  const f = new FirstFragments(1, JPEG, 4);
  assert.throws(() => feed(f, [bytes(), new Uint8Array(5)]), PreviewUnavailableError);
});

Deno.test("FirstFragments frame() of pixel data with no fragment is a reason, not a crash", () => {
  const f = new FirstFragments(1, JPEG, 4);
  feed(f, [bytes()]);
  assert.throws(() => f.frame(), /has no fragment/);
});
