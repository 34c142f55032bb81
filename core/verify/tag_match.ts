/**
 * Tag patterns as the profile tables and the manifest's `userRules` spell them, read by verify's
 * own code (not the engine's parser, so a bug there cannot hide here).
 */
import type { Tag } from "../dicom/tag.ts";

/** A pattern that matches tag t when `(t & mask) === value` (unsigned). */
export interface TagMatch {
  readonly value: number;
  readonly mask: number;
}

const TWO = /^\(\s*(?:0x)?([0-9A-Fa-fxX]{4})\s*,\s*(?:0x)?([0-9A-Fa-fxX]{4})\s*\)$/;
/** One number of the masked 4-tuple: `0x` and 1-4 hex digits, or exactly 4 hex digits. */
const MEMBER = /^(?:0x([0-9A-Fa-f]{1,4})|([0-9A-Fa-f]{4}))$/;

function nibbles(text: string): [value: number, mask: number] {
  let value = 0, mask = 0;
  for (const ch of text) {
    const wild = ch === "x" || ch === "X";
    value = value * 16 + (wild ? 0 : parseInt(ch, 16));
    mask = mask * 16 + (wild ? 0 : 0xf);
  }
  return [value, mask];
}

/**
 * Parses "(gggg,eeee)" with `x` for any nibble, or dicom-anonymizer's masked
 * "(0xgggg, 0xeeee, 0xGMSK, 0xEMSK)"; undefined when it is neither. A group written "ggxx" is a
 * repeating group (PS3.5 §7.6: the even groups gg00-gg1E only), so "(60xx,3000)" does not match
 * the private (6001,3000) or the unrelated (6020,3000).
 */
export function parseTagMatch(text: string): TagMatch | undefined {
  const two = TWO.exec(text.trim());
  if (two) {
    const [gv, gm] = nibbles(two[1]);
    const [ev, em] = nibbles(two[2]);
    const repeating = /^[0-9A-Fa-f]{2}[xX]{2}$/.test(two[1]);
    return { value: gv * 0x10000 + ev, mask: (repeating ? 0xffe1 : gm) * 0x10000 + em };
  }
  const inner = /^\((.*)\)$/.exec(text.trim())?.[1].split(",").map((m) => MEMBER.exec(m.trim()));
  if (inner?.length !== 4 || inner.some((m) => !m)) return undefined;
  const [g, e, gMask, eMask] = inner.map((m) => parseInt(m![1] ?? m![2], 16));
  return { value: (g & gMask) * 0x10000 + (e & eMask), mask: gMask * 0x10000 + eMask };
}

/** True when `t` matches the pattern. */
export function tagMatches(p: TagMatch, t: Tag): boolean {
  return ((t & p.mask) >>> 0) === p.value;
}

/** Exact patterns in a Map, masked ones scanned: lookups stay O(1) for the common case. */
export class TagTable<T> {
  readonly #exact = new Map<number, T>();
  readonly #masked: [TagMatch, T][] = [];

  /** Adds a pattern; the first entry for an exact tag wins, masked ones in insertion order. */
  add(p: TagMatch, item: T): void {
    if (p.mask === 0xffffffff) {
      if (!this.#exact.has(p.value)) this.#exact.set(p.value, item);
    } else this.#masked.push([p, item]);
  }

  /** The entry for a tag: an exact match first, else the first masked one. */
  get(t: Tag): T | undefined {
    return this.#exact.get(t) ?? this.#masked.find(([p]) => tagMatches(p, t))?.[1];
  }
}
