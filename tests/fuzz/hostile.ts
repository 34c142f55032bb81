/**
 * Hand-built hostile inputs that random mutation of small corpus files cannot reach: deep
 * nesting, millions of tiny elements, long padded values. Each is well-formed enough to get
 * past the parser's first checks, so it exercises the limits behind them.
 */
import { concat, explicit, implicit, part10, tagBytes, u32 } from "../fixtures/build.ts";

const EXPLICIT_LE = "1.2.840.10008.1.2.1";
const IMPLICIT_LE = "1.2.840.10008.1.2";
/** (0008,0016) SOP Class UID, so the encoder can complete File Meta. */
const SOP_CLASS = explicit(0x00080016, "UI", "1.2.840.10008.5.1.4.1.1.7\0");

/** Options of {@link deepNest}: the file's dataset encoding and how many levels get closed. */
export interface NestOptions {
  explicitVr: boolean;
  littleEndian: boolean;
  /** Levels (innermost first) closed by item and sequence delimiters; the rest stay open. */
  close: number;
  /** Explicit VR only: open each level as a UN of undefined length (read as implicit SQ). */
  un?: boolean;
}

/** `levels` nested undefined-length sequences, each holding one undefined-length item. */
export function deepNest(levels: number, options: NestOptions): Uint8Array {
  const un = options.un && options.explicitVr;
  // Content Sequence (0040,A730): an SQ every profile processes at every depth.
  const level = (explicitVr: boolean, vr: string, le: boolean) =>
    concat([
      tagBytes(0x0040a730, le),
      explicitVr ? concat([new TextEncoder().encode(vr), new Uint8Array(2)]) : new Uint8Array(0),
      u32(0xffffffff, le),
      tagBytes(0xfffee000, le), // Item, undefined length
      u32(0xffffffff, le),
    ]);
  // Inside a UN of undefined length everything is Implicit VR Little Endian (PS3.5 §6.2.2).
  const first = level(options.explicitVr, un ? "UN" : "SQ", options.littleEndian);
  const rest = un ? level(false, "SQ", true) : first;
  const le = un ? true : options.littleEndian;
  const close = concat([
    tagBytes(0xfffee00d, le), // Item Delimitation Item
    u32(0, le),
    tagBytes(0xfffee0dd, le), // Sequence Delimitation Item
    u32(0, le),
  ]);
  const closes = Math.min(levels, options.close);
  const parts = [first];
  for (let i = 1; i < levels; i++) parts.push(rest);
  for (let i = 0; i < closes; i++) parts.push(close);
  return concat(parts);
}

/** `levels` nested undefined-length sequences and items; `close` of them get delimiters. */
export function deepNesting(levels: number, close = 0): Uint8Array {
  return part10(
    EXPLICIT_LE,
    SOP_CLASS,
    deepNest(levels, { explicitVr: true, littleEndian: true, close }),
  );
}

/** `n` copies of one 8-byte empty element: a header of nothing but events. */
export function emptyElements(n: number): Uint8Array {
  return part10(EXPLICIT_LE, SOP_CLASS, repeat(explicit(0x00180015, "CS", ""), n));
}

/** `n` empty private elements, every one a different tag (groups 0009, 000B, … elements 1000+). */
export function distinctPrivateTags(n: number): Uint8Array {
  const body = new Uint8Array(n * 8);
  for (let i = 0; i < n; i++) {
    const group = 0x0009 + 2 * Math.floor(i / 0xf000);
    body.set(explicit(group * 0x10000 + 0x1000 + (i % 0xf000), "LO", ""), i * 8);
  }
  return part10(EXPLICIT_LE, SOP_CLASS, body);
}

/** `n` Patient's Name elements, each a different 20-character name (all removed: Z). */
export function distinctNames(n: number): Uint8Array {
  const one = (i: number) => explicit(0x00100010, "PN", `N${pad9(i)}^G${pad9(i)}`);
  const size = one(0).length;
  const body = new Uint8Array(n * size);
  for (let i = 0; i < n; i++) body.set(one(i), i * size);
  return part10(EXPLICIT_LE, SOP_CLASS, body);
}

/**
 * A Study Instance UID (0020,000D) of `length` bytes: NULs, then "1". Trimming its padding
 * with `/[\0 ]+$/` is quadratic. Implicit VR, so the length is not limited to 64 KiB.
 */
export function paddedUid(length: number): Uint8Array {
  const uid = "\0".repeat(length - 1) + "1";
  return part10(IMPLICIT_LE, implicit(0x00080016, "1.2\0"), implicit(0x0020000d, uid));
}

function repeat(unit: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(unit.length * n);
  for (let i = 0; i < n; i++) out.set(unit, i * unit.length);
  return out;
}

function pad9(i: number): string {
  return String(i).padStart(9, "0");
}
