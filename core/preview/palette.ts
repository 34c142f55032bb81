/**
 * PALETTE COLOR lookup tables (PS3.3 §C.7.6.3.1.5–6): three descriptors (entries, first
 * mapped value, bits per entry) and three data tables, reduced to 8 bits per entry.
 */
import { PreviewUnavailableError } from "./errors.ts";

/** A palette as 8-bit red, green and blue tables indexed from `first`. */
export interface PaletteLut {
  readonly first: number;
  readonly red: Uint8Array;
  readonly green: Uint8Array;
  readonly blue: Uint8Array;
}

/** Builds the palette from raw descriptor and data bytes (in the dataset's byte order). */
export function paletteOf(
  descriptors: readonly (Uint8Array | undefined)[],
  data: readonly (Uint8Array | undefined)[],
  littleEndian: boolean,
): PaletteLut {
  const tables: Uint8Array[] = [];
  let first = 0;
  for (let i = 0; i < 3; i++) {
    const d = descriptors[i], bytes = data[i];
    if (!d || d.length < 6 || !bytes) {
      throw new PreviewUnavailableError("missing palette (0028,1101–1203)");
    }
    const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const entries = view.getUint16(0, littleEndian) || 65536; // 0 means 2^16 (§C.7.6.3.1.5)
    first = view.getUint16(2, littleEndian);
    const bits = view.getUint16(4, littleEndian);
    tables.push(entriesOf(bytes, entries, bits, littleEndian));
  }
  return { first, red: tables[0], green: tables[1], blue: tables[2] };
}

/** Looks up index `v` (values past either end take the end entry, §C.7.6.3.1.5). */
export function paletteIndex(lut: PaletteLut, v: number): number {
  const i = v - lut.first;
  return i <= 0 ? 0 : i >= lut.red.length ? lut.red.length - 1 : i;
}

function entriesOf(bytes: Uint8Array, n: number, bits: number, le: boolean): Uint8Array {
  const out = new Uint8Array(n);
  if (bits === 8 && bytes.length === n) return bytes.slice();
  if (bytes.length < 2 * n) {
    throw new PreviewUnavailableError("palette data shorter than its descriptor");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // 16-bit entries keep their high byte; 8-bit entries stored one per 16-bit word, the low.
  const shift = bits === 8 ? 0 : 8;
  for (let i = 0; i < n; i++) out[i] = (view.getUint16(2 * i, le) >> shift) & 0xff;
  return out;
}
