import assert from "node:assert/strict";
import { firstDifference } from "../tests/support/first_difference.ts";
import { join } from "node:path";
import { KernelCopy } from "./kernel_copy.ts";

/** A temp folder with `in.bin` (a byte pattern of `size`) and an empty `out.bin`. */
async function pair(size: number) {
  const dir = await Deno.makeTempDir();
  const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
  const src = join(dir, "in.bin");
  const dst = join(dir, "out.bin");
  await Deno.writeFile(src, bytes);
  const input = await Deno.open(src);
  const output = await Deno.open(dst, { write: true, createNew: true });
  return { dir, bytes, src, dst, input, output };
}

Deno.test("KernelCopy.copy() copies a range to another offset and stops at the end of input", async () => {
  const p = await pair(300_000);
  try {
    using copy = KernelCopy.open(p.src, p.input, p.dst, p.output);
    assert.ok(copy, "copy_file_range through FFI is available on this Linux");
    assert.equal(await copy.copy(1000, 10, 200_000), 200_000);
    // Past the end: only what is there.
    assert.equal(await copy.copy(250_000, 200_010, 100_000), 50_000);
    assert.equal(await copy.copy(300_000, 250_010, 10), 0);
    const out = await Deno.readFile(p.dst);
    assert.equal(out.length, 250_010);
    assert.equal(firstDifference(out.subarray(0, 10), new Uint8Array(10)), -1, "before `to`");
    assert.equal(firstDifference(out.subarray(10, 200_010), p.bytes.subarray(1000, 201_000)), -1);
    assert.equal(firstDifference(out.subarray(200_010), p.bytes.subarray(250_000)), -1);
  } finally {
    p.input.close();
    p.output.close();
    await Deno.remove(p.dir, { recursive: true });
  }
});

Deno.test("KernelCopy.copy() copies off the thread and reports what it copied", async () => {
  const p = await pair(1 << 20);
  try {
    using copy = KernelCopy.open(p.src, p.input, p.dst, p.output)!;
    const seen: number[] = [];
    const before = KernelCopy.bytesCopied;
    assert.equal(await copy.copy(0, 0, 1 << 20, (n) => seen.push(n)), 1 << 20);
    assert.equal(seen.reduce((a, b) => a + b, 0), 1 << 20);
    assert.equal(KernelCopy.bytesCopied - before, 1 << 20);
    assert.equal(firstDifference(await Deno.readFile(p.dst), p.bytes), -1);
  } finally {
    p.input.close();
    p.output.close();
    await Deno.remove(p.dir, { recursive: true });
  }
});

Deno.test("KernelCopy.open() refuses when a path no longer names the file already open", async () => {
  const p = await pair(1000);
  try {
    // The input path now names another file than the handle the caller read from.
    await Deno.rename(p.src, join(p.dir, "moved.bin"));
    await Deno.writeFile(p.src, new Uint8Array(1000));
    assert.equal(KernelCopy.open(p.src, p.input, p.dst, p.output), undefined);
    // And a path that names nothing at all.
    assert.equal(KernelCopy.open(join(p.dir, "none"), p.input, p.dst, p.output), undefined);
  } finally {
    p.input.close();
    p.output.close();
    await Deno.remove(p.dir, { recursive: true });
  }
});
