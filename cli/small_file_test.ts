import assert from "node:assert/strict";
import { join } from "node:path";
import { createDeidentifier } from "../core/deid/mod.ts";
import { anonymizeBytes, TEST_KEY } from "../tests/support/anonymize_tree.ts";
import { READ_SIZE } from "./pipe_file.ts";
import { transformSmall } from "./small_file.ts";
import { KernelCopy } from "./kernel_copy.ts";

const CORPUS = new URL("../tests/fixtures/corpus/", import.meta.url).pathname;
const FILES = ["pydicom__CT_small.dcm", "pydicom__MR_small_implicit.dcm", "pydicom__CT_small.dcm"];

/**
 * Runs transformSmall on `src` into a fresh partial file under `dir`; returns the bytes.
 * `planned` is the size the plan saw (default: the file's).
 */
function viaSmallPath(dir: string, src: string, name: string, planned?: number): Uint8Array {
  const partial = join(dir, `.${name}.partial`);
  const job = createDeidentifier({ key: TEST_KEY }).start();
  const size = planned ?? Deno.statSync(src).size;
  transformSmall(src, size, { kind: "dir", dir, name, partial }, job.pipeline);
  return Deno.readFileSync(partial);
}

/** CT_small's header, then a Pixel Data value of `length` bytes (a pattern, not one byte). */
function bigSlice(length: number): Uint8Array {
  const head = Deno.readFileSync(join(CORPUS, "pydicom__CT_small.dcm")).subarray(0, 6288);
  const big = new Uint8Array(head.length + 12 + length);
  big.set(head);
  big.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0], head.length);
  new DataView(big.buffer).setUint32(head.length + 8, length, true);
  for (let i = head.length + 12; i < big.length; i++) big[i] = (i * 31) & 0xff;
  return big;
}

Deno.test("transformSmall() gives each file its own output though one read buffer is reused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    FILES.forEach((f, i) => {
      const src = join(CORPUS, f);
      const out = viaSmallPath(dir, src, `out${i}.dcm`);
      assert.deepEqual(out, anonymizeBytes(Deno.readFileSync(src), {}), f);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("transformSmall() reads a file that grew past the buffer whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A Pixel Data value 1.5 times the buffer, in a file planned as small.
    const big = bigSlice(READ_SIZE * 1.5);
    const src = join(dir, "big.dcm");
    Deno.writeFileSync(src, big);
    const small = join(CORPUS, "pydicom__MR_small_implicit.dcm");
    viaSmallPath(dir, small, "first.dcm"); // the buffer now holds another file's bytes
    assert.deepEqual(viaSmallPath(dir, src, "big-out.dcm", 1000), anonymizeBytes(big, {}));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("transformSmall() lets the kernel copy Pixel Data and writes what pushing every byte would", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const big = bigSlice(600 * 1024);
    const src = join(dir, "slice.dcm");
    Deno.writeFileSync(src, big);
    const before = KernelCopy.bytesCopied;
    assert.deepEqual(viaSmallPath(dir, src, "slice-out.dcm"), anonymizeBytes(big, {}));
    // All of the value but what the first 64 KiB read took and its last byte.
    assert.ok(KernelCopy.bytesCopied - before > 500 * 1024, "the kernel copied the pixels");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("transformSmall() with the kernel copy fails a file cut inside Pixel Data as pushing would", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cut = bigSlice(600 * 1024).subarray(0, 400 * 1024);
    const src = join(dir, "cut.dcm");
    Deno.writeFileSync(src, cut);
    // Planned at its full size: the file shrank after planning, so the copy comes up short.
    const planned = 600 * 1024;
    const expected = (() => {
      try {
        anonymizeBytes(cut, {});
      } catch (e) {
        return String(e);
      }
    })();
    assert.match(String(expected), /Truncated value/);
    assert.throws(
      () => viaSmallPath(dir, src, "cut-out.dcm", planned),
      (e) => String(e) === expected,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
