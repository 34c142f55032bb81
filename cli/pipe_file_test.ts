import assert from "node:assert/strict";
import { join } from "node:path";
import { createDeidentifier } from "../core/deid/mod.ts";
import { anonymizeBytes, TEST_KEY } from "../tests/support/anonymize_tree.ts";
import { KernelCopy } from "./kernel_copy.ts";
import { pipeFile, READ_SIZE } from "./pipe_file.ts";

const CT = new URL("../tests/fixtures/corpus/pydicom__CT_small.dcm", import.meta.url).pathname;

/** CT_small's header, then a Pixel Data value of `length` bytes of a pattern. */
function withPixels(length: number): Uint8Array {
  const head = Deno.readFileSync(CT).subarray(0, 6288);
  const out = new Uint8Array(head.length + 12 + length);
  out.set(head);
  out.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0], head.length);
  new DataView(out.buffer).setUint32(head.length + 8, length, true);
  for (let i = head.length + 12; i < out.length; i++) out[i] = (i * 13) & 0xff;
  return out;
}

/** Pipes `bytes` (written to a file) through the engine into a new file, with a kernel copy. */
async function pipeWithCopy(dir: string, bytes: Uint8Array) {
  const src = join(dir, "in.dcm");
  const dst = join(dir, `out-${crypto.randomUUID()}.dcm`);
  await Deno.writeFile(src, bytes);
  using input = await Deno.open(src);
  using output = await Deno.open(dst, { write: true, createNew: true });
  using kernel = KernelCopy.open(src, input, dst, output);
  assert.ok(kernel);
  const progress: number[] = [];
  const job = createDeidentifier({ key: TEST_KEY }).start();
  const before = KernelCopy.bytesCopied;
  const read = await pipeFile(input, output, job.pipeline, (n) => progress.push(n), kernel);
  return { read, progress, copied: KernelCopy.bytesCopied - before, dst };
}

Deno.test("pipeFile() with a kernel copy writes what pushing every byte gives, and counts it as read", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bytes = withPixels(3 * READ_SIZE);
    const run = await pipeWithCopy(dir, bytes);
    assert.equal(run.read, bytes.length);
    assert.equal(run.progress.at(-1), bytes.length, "progress reaches the whole file");
    assert.ok(run.copied > 2 * READ_SIZE, `${run.copied} bytes copied in the kernel`);
    const out = await Deno.readFile(run.dst);
    const expected = anonymizeBytes(bytes, {});
    assert.equal(out.length, expected.length);
    assert.ok(out.every((v, i) => v === expected[i]), "same bytes");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pipeFile() with a kernel copy fails a file cut inside Pixel Data as pushing would", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cut = withPixels(3 * READ_SIZE).subarray(0, 2 * READ_SIZE);
    const expected = (() => {
      try {
        anonymizeBytes(cut, {});
      } catch (e) {
        return String(e);
      }
    })();
    assert.match(String(expected), /Truncated value/);
    await assert.rejects(() => pipeWithCopy(dir, cut), (e) => String(e) === expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
