import { decodeText } from "../dicom/charset.ts";
import type { Vr } from "../dicom/vr.ts";

/**
 * Most removed values remembered (file-name checks need a handful). Unbounded, a header of a
 * million distinct names ran a 200 MB heap out of memory (fuzzing).
 */
export const MAX_REMEMBERED = 10_000;

const BACKSLASH = 0x5c, CARET = 0x5e, EQUALS = 0x3d;

/**
 * The text values a file lost (removed, emptied or replaced), kept to answer "did this folder
 * or file name equal one of them?" without ever logging a value. The CLI asks for every file,
 * so ASCII names are compared with the raw bytes; only a value with non-ASCII bytes (or ISO
 * 2022 escapes) is decoded with its character set, and only when a question comes.
 */
export class RemovedValues {
  /** ASCII values copied end to end into one growing buffer (one allocation, not one each). */
  #arena = new Uint8Array(0);
  #used = 0;
  /** Start and end of each ASCII value in the arena. */
  readonly #bounds: number[] = [];
  readonly #other: { bytes: Uint8Array; vr: Vr; charsets: string[] }[] = [];
  readonly #decoded = new Set<string>();

  /** Keeps a copy of `bytes` (the caller's buffer may be reused). */
  remember(bytes: Uint8Array, vr: Vr, charsets: string[]): void {
    if (this.#bounds.length / 2 + this.#other.length >= MAX_REMEMBERED) return;
    if (!isAscii(bytes)) return void this.#other.push({ bytes: bytes.slice(), vr, charsets });
    if (this.#used + bytes.length > this.#arena.length) {
      const grown = new Uint8Array(Math.max(1024, 2 * (this.#used + bytes.length)));
      grown.set(this.#arena.subarray(0, this.#used));
      this.#arena = grown;
    }
    this.#arena.set(bytes, this.#used);
    this.#bounds.push(this.#used, this.#used += bytes.length);
  }

  /**
   * True when `text` (trimmed, any case) equals a remembered value, or one of its parts split
   * at `\`, `^` or `=` (a PN component or one of several values) of at least 2 characters.
   */
  has(text: string): boolean {
    const wanted = text.trim().toUpperCase();
    if (!wanted) return false;
    for (const { bytes, vr, charsets } of this.#other.splice(0)) {
      const value = decodeText(bytes, charsets, vr).replace(/[\0 ]+$/, "");
      for (const part of value.split(/[\\^=]/)) {
        if (part.trim().length >= 2) this.#decoded.add(part.trim().toUpperCase());
      }
      if (value.trim()) this.#decoded.add(value.trim().toUpperCase());
    }
    if (this.#decoded.has(wanted)) return true;
    const probe = asciiBytes(wanted);
    if (probe === undefined) return false;
    for (let i = 0; i < this.#bounds.length; i += 2) {
      if (containsAsPart(this.#arena.subarray(this.#bounds[i], this.#bounds[i + 1]), probe)) {
        return true;
      }
    }
    return false;
  }
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80 || bytes[i] === 0x1b) return false;
  return true;
}

/** The upper-case ASCII bytes of `text`, or undefined when it has other characters. */
function asciiBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return undefined;
    out[i] = c;
  }
  return out;
}

/** Whitespace as `String.prototype.trim` sees it in ASCII, plus NUL padding. */
function isBlank(b: number): boolean {
  return b === 0x20 || b === 0 || (b >= 0x09 && b <= 0x0d);
}

/** True when the whole trimmed value, or one trimmed part of it, equals `probe` (any case). */
function containsAsPart(value: Uint8Array, probe: Uint8Array): boolean {
  if (equalsTrimmed(value, 0, value.length, probe)) return true;
  let from = 0;
  for (let i = 0; i <= value.length; i++) {
    const b = i < value.length ? value[i] : BACKSLASH;
    if (b !== BACKSLASH && b !== CARET && b !== EQUALS) continue;
    if (probe.length >= 2 && equalsTrimmed(value, from, i, probe)) return true;
    from = i + 1;
  }
  return false;
}

function equalsTrimmed(v: Uint8Array, start: number, end: number, probe: Uint8Array): boolean {
  while (start < end && isBlank(v[start])) start++;
  while (end > start && isBlank(v[end - 1])) end--;
  if (end - start !== probe.length) return false;
  for (let i = 0; i < probe.length; i++) {
    let b = v[start + i];
    if (b >= 0x61 && b <= 0x7a) b -= 0x20;
    if (b !== probe[i]) return false;
  }
  return true;
}
