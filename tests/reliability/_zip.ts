/**
 * Hand-built ZIP archives for hostile-input tests: local file headers, central directory and
 * end record written field by field (PKWARE APPNOTE 6.3.10 §4.3), so a test can make the
 * central directory lie about names, sizes or file types in ways no ZIP library would.
 */
import { deflateSync } from "fflate";
// CRC-32 as ZIP uses it (APPNOTE §4.4.7) is the one PNG uses.
import { crc32 } from "../../core/preview/png.ts";

/** One entry as it should appear in the archive. */
export interface RawEntry {
  /** Name in the central directory (and, unless `localName` is set, the local header). */
  readonly name: string;
  readonly data: Uint8Array;
  /** 0 = stored, 8 = deflated (default: stored). */
  readonly method?: 0 | 8;
  /** Name written in the local header when it should disagree with the central directory. */
  readonly localName?: string;
  /** Sizes the central directory claims (default: the true ones). */
  readonly cdCompressedSize?: number;
  readonly cdUncompressedSize?: number;
  /** The local header repeats the central directory's sizes (lies consistently). */
  readonly sameLieInLocal?: boolean;
  /** Unix mode bits for the external attributes (e.g. 0o120777 for a symlink). */
  readonly unixMode?: number;
}

/** A growable little-endian byte writer. */
class Bytes {
  #parts: Uint8Array[] = [];
  length = 0;
  u16(v: number) {
    return this.raw(new Uint8Array([v & 0xff, (v >>> 8) & 0xff]));
  }
  u32(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return this.raw(b);
  }
  raw(b: Uint8Array) {
    this.#parts.push(b);
    this.length += b.length;
    return this;
  }
  concat(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const p of this.#parts) out.set(p, (off += p.length) - p.length);
    return out;
  }
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const DOS_TIME = 0; // 00:00:00
const DOS_DATE = (44 << 9) | (1 << 5) | 1; // 2024-01-01

/** Builds an archive from `entries`, in order; every lie is in the fields the entry names. */
export function buildZip(entries: readonly RawEntry[]): Uint8Array<ArrayBuffer> {
  const body = new Bytes();
  const central = new Bytes();
  for (const e of entries) {
    const method = e.method ?? 0;
    const stored = method === 8 ? deflateSync(e.data) : e.data;
    const crc = crc32(e.data);
    const name = utf8(e.name);
    const localName = utf8(e.localName ?? e.name);
    const offset = body.length;
    const lie = e.sameLieInLocal === true;
    body.u32(0x04034b50) // local file header signature
      .u16(20) // version needed to extract: 2.0
      .u16(0x0800) // flags: bit 11, names are UTF-8
      .u16(method)
      .u16(DOS_TIME).u16(DOS_DATE)
      .u32(crc)
      .u32(lie ? e.cdCompressedSize ?? stored.length : stored.length) // compressed size
      .u32(lie ? e.cdUncompressedSize ?? e.data.length : e.data.length) // uncompressed size
      .u16(localName.length)
      .u16(0) // extra field length
      .raw(localName)
      .raw(stored);
    central.u32(0x02014b50) // central directory header signature
      .u16((3 << 8) | 20) // version made by: UNIX, 2.0 (so external attributes hold a mode)
      .u16(20)
      .u16(0x0800)
      .u16(method)
      .u16(DOS_TIME).u16(DOS_DATE)
      .u32(crc)
      .u32(e.cdCompressedSize ?? stored.length)
      .u32(e.cdUncompressedSize ?? e.data.length)
      .u16(name.length)
      .u16(0) // extra field length
      .u16(0) // comment length
      .u16(0) // disk number start
      .u16(0) // internal attributes
      .u32(((e.unixMode ?? 0o100644) << 16) >>> 0) // external attributes: mode in the high half
      .u32(offset) // local header offset
      .raw(name);
  }
  const cd = central.concat();
  const cdOffset = body.length;
  body.raw(cd);
  body.u32(0x06054b50) // end of central directory signature
    .u16(0).u16(0) // this disk, disk with the central directory
    .u16(entries.length).u16(entries.length) // entries here, entries in total
    .u32(cd.length)
    .u32(cdOffset)
    .u16(0); // comment length
  return body.concat();
}
