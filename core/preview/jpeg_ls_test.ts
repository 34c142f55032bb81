import assert from "node:assert/strict";
import { jpegLsIsPlanar } from "./jpeg_ls.ts";

/** SOI, SOF55 with `nf` components, SOS with `ns` components and interleave mode `ilv`. */
function codestream(nf: number, ns: number, ilv: number): Uint8Array {
  const sof = [0xff, 0xf7, 0, 8 + 3 * nf, 8, 0, 16, 0, 16, nf, ...Array(3 * nf).fill(1)];
  const sos = [0xff, 0xda, 0, 6 + 2 * ns, ns, ...Array(2 * ns).fill(1), 0, ilv, 0];
  return new Uint8Array([0xff, 0xd8, ...sof, ...sos, 0x12, 0x34]);
}

Deno.test("jpegLsIsPlanar() is true for colour coded one component per scan (ILV 0)", () => {
  assert.equal(jpegLsIsPlanar(codestream(3, 1, 0)), true);
});

Deno.test("jpegLsIsPlanar() is false for line or sample interleaving and for grayscale", () => {
  assert.equal(jpegLsIsPlanar(codestream(3, 3, 1)), false);
  assert.equal(jpegLsIsPlanar(codestream(3, 3, 2)), false);
  assert.equal(jpegLsIsPlanar(codestream(1, 1, 0)), false);
});

Deno.test("jpegLsIsPlanar() is false for bytes that are no codestream", () => {
  assert.equal(jpegLsIsPlanar(new Uint8Array([1, 2, 3, 4, 5])), false);
  assert.equal(jpegLsIsPlanar(new Uint8Array([0xff, 0xd8, 0xff, 0xf7, 0, 0])), false);
});
