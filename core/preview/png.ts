/**
 * A minimal PNG encoder (ISO/IEC 15948 = PNG 2nd edition): 8-bit grayscale or RGB, no
 * interlace, one IDAT compressed with fflate's zlib. Rows use the "Up" filter, which is what
 * smooth medical images compress best with and costs one subtraction per byte.
 */
import { zlibSync } from "fflate";

/** Pixel layouts a preview can have: 1 (grayscale) or 3 (RGB) bytes per pixel. */
export type PngChannels = 1 | 3;

const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG §11.2.2 colour types. */
const COLOR_TYPE = { 1: 0, 3: 2 } as const;
/** PNG §9.2 filter type 2. */
const FILTER_UP = 2;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG §5.5 (and zlib) define it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** Encodes `pixels` (row-major, `channels` bytes per pixel, no padding) as a PNG file. */
export function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: PngChannels,
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError("PNG width and height must be positive integers");
  }
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new RangeError(`PNG pixel buffer holds ${pixels.length} bytes, not ${stride * height}`);
  }
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    const row = y * stride;
    raw[out] = FILTER_UP;
    for (let x = 0; x < stride; x++) {
      const above = y === 0 ? 0 : pixels[row - stride + x];
      raw[out + 1 + x] = (pixels[row + x] - above) & 0xff;
    }
  }
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE[channels];
  // compression 0 (deflate), filter method 0, interlace 0: bytes 10–12 stay zero.
  const chunks = [
    chunk("IHDR", ihdr),
    chunk("IDAT", zlibSync(raw, { level: 6 })),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** One chunk: length, type, data, CRC of type + data (PNG §5.3). */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
