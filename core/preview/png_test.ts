import assert from "node:assert/strict";
import { join } from "node:path";
import { decodePngs } from "../../tests/support/preview_reference.ts";
import { crc32, encodePng } from "./png.ts";

Deno.test("crc32() gives the check value of ISO 3309 for '123456789'", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("encodePng() output decodes to the same pixels with Python's zlib", async () => {
  const dir = await Deno.makeTempDir({ prefix: "png-" });
  try {
    const gray = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37) & 255);
    const rgb = Uint8Array.from({ length: 3 * 4 * 3 }, (_, i) => 255 - ((i * 11) & 255));
    await Deno.writeFile(join(dir, "gray.png"), encodePng(gray, 7, 5, 1));
    await Deno.writeFile(join(dir, "rgb.png"), encodePng(rgb, 3, 4, 3));
    const out = await decodePngs([join(dir, "gray.png"), join(dir, "rgb.png")]);
    assert.deepEqual(out.get(join(dir, "gray.png")), {
      width: 7,
      height: 5,
      channels: 1,
      pixels: gray,
    });
    assert.deepEqual(out.get(join(dir, "rgb.png")), {
      width: 3,
      height: 4,
      channels: 3,
      pixels: rgb,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("encodePng() refuses a buffer that does not fit the size", () => {
  assert.throws(() => encodePng(new Uint8Array(5), 2, 2, 1), RangeError);
  assert.throws(() => encodePng(new Uint8Array(0), 0, 0, 1), RangeError);
});
