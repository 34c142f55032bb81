import assert from "node:assert/strict";
import { join } from "node:path";
import { createDeidentifier } from "../core/deid/mod.ts";
import { anonymizeBytes, TEST_KEY } from "../tests/support/anonymize_tree.ts";
import { READ_SIZE } from "./pipe_file.ts";
import { transformSmall } from "./small_file.ts";

const CORPUS = new URL("../tests/fixtures/corpus/", import.meta.url).pathname;
const FILES = ["pydicom__CT_small.dcm", "pydicom__MR_small_implicit.dcm", "pydicom__CT_small.dcm"];

/** Runs transformSmall on `src` into a fresh partial file under `dir`; returns the bytes. */
function viaSmallPath(dir: string, src: string, name: string): Uint8Array {
  const partial = join(dir, `.${name}.partial`);
  const job = createDeidentifier({ key: TEST_KEY }).start();
  transformSmall(src, { kind: "dir", dir, name, partial }, job.pipeline);
  return Deno.readFileSync(partial);
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
    // CT_small's header, then a Pixel Data value 1.5 times the buffer.
    const head = Deno.readFileSync(join(CORPUS, "pydicom__CT_small.dcm")).subarray(0, 6288);
    const length = READ_SIZE * 1.5;
    const big = new Uint8Array(head.length + 12 + length);
    big.set(head);
    big.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0], head.length);
    new DataView(big.buffer).setUint32(head.length + 8, length, true);
    big.fill(7, head.length + 12);
    const src = join(dir, "big.dcm");
    Deno.writeFileSync(src, big);
    const small = join(CORPUS, "pydicom__MR_small_implicit.dcm");
    viaSmallPath(dir, small, "first.dcm"); // the buffer now holds another file's bytes
    assert.deepEqual(viaSmallPath(dir, src, "big-out.dcm"), anonymizeBytes(big, {}));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
