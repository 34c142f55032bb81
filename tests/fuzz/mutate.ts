/**
 * Deterministic mutators over DICOM bytes for the fuzz tests and bench/soak.ts: a seeded PRNG
 * and structure-aware damage (bit flips, truncation at element boundaries, lying lengths,
 * scrambled VRs, undelimited undefined lengths, deep nesting, spliced spans). The same seed
 * and index always give the same bytes, so any failure is replayed from two numbers.
 */
import { deepNest } from "./hostile.ts";
import { type Header, type Layout, layoutOf } from "./layout.ts";

/** mulberry32: a small, fast 32-bit PRNG; plenty for choosing mutations. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next unsigned 32-bit value. */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 0x100000000) * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }

  /** One element of a non-empty list. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

/** The seed of case `index` under run seed `seed` (splitmix32-style mixing of both). */
export function caseSeed(seed: number, index: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(index >>> 0, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** A mutated input and a short description of what was done (for replay and reports). */
export interface Mutation {
  readonly bytes: Uint8Array;
  readonly what: string;
}

/** The mutators by name; each returns undefined when the input offers it nothing to aim at. */
export const MUTATORS = {
  "bit-flip": bitFlip,
  "byte-set": byteSet,
  "truncate": truncate,
  "length": lengthField,
  "vr": scrambleVr,
  "undefined-no-delimiters": undefinedWithoutDelimiters,
  "deep-nesting": deepNesting,
  "insert": insertSpan,
  "duplicate": duplicateSpan,
  "delete": deleteSpan,
} as const satisfies Record<string, (b: Uint8Array, l: Layout, r: Rng) => Mutation | undefined>;

/** Mutator name → relative weight: the structure-aware ones find more than random bytes. */
const WEIGHTS: readonly [keyof typeof MUTATORS, number][] = [
  ["bit-flip", 12],
  ["byte-set", 8],
  ["truncate", 12],
  ["length", 20],
  ["vr", 12],
  ["undefined-no-delimiters", 8],
  ["deep-nesting", 4],
  ["insert", 8],
  ["duplicate", 8],
  ["delete", 8],
];
const WEIGHT_TOTAL = WEIGHTS.reduce((n, [, w]) => n + w, 0);

/** Applies one to three random mutations (each aimed with a fresh layout of the bytes so far). */
export function mutate(bytes: Uint8Array, rng: Rng, layout = layoutOf(bytes)): Mutation {
  const rounds = rng.chance(0.7) ? 1 : rng.range(2, 3);
  const steps: string[] = [];
  let out = bytes;
  for (let i = 0; i < rounds; i++) {
    const current = i === 0 ? layout : layoutOf(out);
    let m: Mutation | undefined;
    for (let tries = 0; !m && tries < 8; tries++) {
      let roll = rng.int(WEIGHT_TOTAL);
      const [name] = WEIGHTS.find(([, w]) => (roll -= w) < 0)!;
      m = MUTATORS[name](out, current, rng);
    }
    // Nothing to aim at (an input already cut to nothing): the empty input is the case.
    if (!m) break;
    out = m.bytes;
    steps.push(m.what);
  }
  return { bytes: out, what: steps.join(" + ") };
}

/** Every element boundary a file can be cut at: each header's offset, and the end of meta. */
export function boundaries(layout: Layout): number[] {
  const cuts = new Set(layout.headers.map((h) => h.offset));
  cuts.add(layout.datasetStart);
  return [...cuts].sort((a, b) => a - b);
}

// ---- byte-level ----

function bitFlip(bytes: Uint8Array, _l: Layout, rng: Rng): Mutation | undefined {
  if (bytes.length === 0) return undefined;
  const out = bytes.slice();
  const n = rng.range(1, 8);
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = rng.int(out.length);
    out[p] ^= 1 << rng.int(8);
    at.push(p);
  }
  return { bytes: out, what: `bit-flip@${at.join(",")}` };
}

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0xfe, 0xe0, 0x0d, 0xdd, 0x20, 0x5c];

function byteSet(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  if (bytes.length === 0) return undefined;
  const out = bytes.slice();
  const n = rng.range(1, 8);
  // Half the time aim at a header, where a changed byte changes the structure.
  const h = layout.headers.length && rng.chance(0.5) ? rng.pick(layout.headers) : undefined;
  const start = h ? h.offset : rng.int(out.length);
  for (let i = 0; i < n; i++) {
    const p = Math.min(out.length - 1, start + rng.int(h ? 12 : 16));
    out[p] = rng.chance(0.5) ? rng.pick(INTERESTING_BYTES) : rng.int(256);
  }
  return { bytes: out, what: `byte-set@${start}x${n}` };
}

// ---- structure-aware ----

function truncate(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  const cuts = boundaries(layout);
  if (cuts.length === 0) return undefined;
  // At the boundary itself, or a few bytes into the header (a torn header).
  const at = Math.min(bytes.length, rng.pick(cuts) + (rng.chance(0.7) ? 0 : rng.range(1, 11)));
  return { bytes: bytes.slice(0, at), what: `truncate@${at}` };
}

/** Truncates at exactly one boundary (the systematic pass of bench/soak.ts). */
export function truncateAt(bytes: Uint8Array, at: number): Mutation {
  return { bytes: bytes.slice(0, at), what: `truncate@${at}` };
}

const LONG_LENGTHS = [0, 0xffffffff, 0xfffffff0, 0xfffffffe, 0x7fffffff, 0x80000000];
const SHORT_LENGTHS = [0, 0xffff, 0xfffe, 0xfff0, 0x8000];

function lengthField(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  if (layout.headers.length === 0) return undefined;
  const h = rng.pick(layout.headers);
  const old = readLength(bytes, h);
  const rest = bytes.length - h.lengthAt - h.lengthSize;
  const max = h.lengthSize === 4 ? 0xffffffff : 0xffff;
  const choice = rng.int(6);
  const value = choice === 0
    ? rng.pick(h.lengthSize === 4 ? LONG_LENGTHS : SHORT_LENGTHS)
    : choice === 1
    ? old + (old % 2 === 1 ? 2 : 1) // odd
    : choice === 2
    ? Math.min(max, rest + rng.range(1, 64)) // just past the end of the input
    : choice === 3
    ? Math.min(max, rest + rng.range(1, 1 << 20) * 16) // huge
    : choice === 4
    ? Math.max(0, old + rng.range(-16, 16)) // a little off
    : rng.int(max + 1);
  const out = bytes.slice();
  writeLength(out, h, Math.min(value, max));
  return { bytes: out, what: `length@${h.offset}:${old}->${Math.min(value, max)}` };
}

const VR_CODES = [
  "OB",
  "OW",
  "UN",
  "SQ",
  "UT",
  "LO",
  "PN",
  "US",
  "UL",
  "FD",
  "AT",
  "UI",
  "DA",
  "OF",
  "UC",
  "UR",
];

function scrambleVr(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  const explicit = layout.headers.filter((h) => h.vrAt !== undefined);
  if (explicit.length === 0) return undefined;
  const h = rng.pick(explicit);
  const out = bytes.slice();
  const r = rng.int(3);
  // Another real VR (changes the header size when long and short VRs swap), random letters
  // (an unknown VR), or random bytes.
  const code = r === 0
    ? rng.pick(VR_CODES)
    : r === 1
    ? String.fromCharCode(0x41 + rng.int(26), 0x41 + rng.int(26))
    : String.fromCharCode(rng.int(256), rng.int(256));
  out[h.vrAt!] = code.charCodeAt(0);
  out[h.vrAt! + 1] = code.charCodeAt(1);
  return { bytes: out, what: `vr@${h.offset}:${JSON.stringify(code)}` };
}

function undefinedWithoutDelimiters(
  bytes: Uint8Array,
  layout: Layout,
  rng: Rng,
): Mutation | undefined {
  const targets = layout.headers.filter((h) =>
    h.lengthSize === 4 && (h.kind === "sequence" || h.kind === "item" || rng.chance(0.1))
  );
  if (targets.length === 0) return undefined;
  const h = rng.pick(targets);
  const out = bytes.slice();
  writeLength(out, h, 0xffffffff);
  // Drop every delimiter after it (or only some), so the undefined lengths never close.
  const all = rng.chance(0.6);
  const kept: Uint8Array[] = [out.subarray(0, h.lengthAt + 4)];
  let from = h.lengthAt + 4;
  let dropped = 0;
  for (const at of delimiters(out, h.lengthAt + 4, h.littleEndian)) {
    if (!all && rng.chance(0.5)) continue;
    kept.push(out.subarray(from, at));
    from = at + 8;
    dropped++;
  }
  kept.push(out.subarray(from));
  return {
    bytes: concatAll(kept),
    what: `undefined-no-delimiters@${h.offset}:-${dropped}`,
  };
}

function deepNesting(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  if (layout.deflated) return undefined;
  const top = layout.headers.filter((h) => h.depth === 0 && !h.meta).map((h) => h.offset);
  const at = top.length ? rng.pick(top) : Math.min(layout.datasetStart, bytes.length);
  const levels = rng.pick([300, 1000, 10_000, rng.range(2, 400)]);
  const close = rng.pick([0, levels, rng.int(levels + 1)]);
  const un = layout.explicitVr && rng.chance(0.2);
  const nest = deepNest(levels, { ...layout, close, un });
  return {
    bytes: concatAll([bytes.subarray(0, at), nest, bytes.subarray(at)]),
    what: `deep-nesting@${at}:${levels}${un ? "UN" : ""}/close${close}`,
  };
}

function insertSpan(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  const cuts = boundaries(layout);
  const at = cuts.length && rng.chance(0.5) ? rng.pick(cuts) : rng.int(bytes.length + 1);
  const span = new Uint8Array(rng.range(1, 64));
  for (let i = 0; i < span.length; i++) {
    span[i] = rng.chance(0.3) ? rng.pick(INTERESTING_BYTES) : rng.int(256);
  }
  return {
    bytes: concatAll([bytes.subarray(0, at), span, bytes.subarray(at)]),
    what: `insert@${at}+${span.length}`,
  };
}

function duplicateSpan(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  const [from, to] = pickSpan(bytes, layout, rng) ?? [];
  if (from === undefined || to === undefined) return undefined;
  const cuts = boundaries(layout);
  const at = cuts.length && rng.chance(0.6) ? rng.pick(cuts) : rng.int(bytes.length + 1);
  const copies = rng.chance(0.9) ? 1 : rng.range(2, 50);
  const parts = [bytes.subarray(0, at)];
  for (let i = 0; i < copies; i++) parts.push(bytes.subarray(from, to));
  parts.push(bytes.subarray(at));
  return { bytes: concatAll(parts), what: `duplicate@${from}-${to}->${at}x${copies}` };
}

function deleteSpan(bytes: Uint8Array, layout: Layout, rng: Rng): Mutation | undefined {
  const [from, to] = pickSpan(bytes, layout, rng) ?? [];
  if (from === undefined || to === undefined) return undefined;
  return {
    bytes: concatAll([bytes.subarray(0, from), bytes.subarray(to)]),
    what: `delete@${from}-${to}`,
  };
}

/** A span to copy or cut: whole elements (between two boundaries) or random bytes. */
function pickSpan(bytes: Uint8Array, layout: Layout, rng: Rng): [number, number] | undefined {
  if (bytes.length < 2) return undefined;
  const cuts = boundaries(layout).concat(bytes.length);
  if (cuts.length > 2 && rng.chance(0.6)) {
    const i = rng.int(cuts.length - 1);
    const j = Math.min(cuts.length - 1, i + rng.range(1, 4));
    if (cuts[j] - cuts[i] <= 1 << 16) return [cuts[i], cuts[j]];
  }
  const from = rng.int(bytes.length - 1);
  return [from, Math.min(bytes.length, from + rng.range(1, 256))];
}

// ---- helpers ----

/** Offsets of (FFFE,E00D) and (FFFE,E0DD) tags at or after `from`. */
function* delimiters(bytes: Uint8Array, from: number, le: boolean): Generator<number> {
  for (let at = from; at + 8 <= bytes.length; at++) {
    const g = le ? bytes[at] | (bytes[at + 1] << 8) : (bytes[at] << 8) | bytes[at + 1];
    if (g !== 0xfffe) continue;
    const e = le ? bytes[at + 2] | (bytes[at + 3] << 8) : (bytes[at + 2] << 8) | bytes[at + 3];
    if (e === 0xe00d || e === 0xe0dd) {
      yield at;
      at += 7;
    }
  }
}

function readLength(bytes: Uint8Array, h: Header): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return h.lengthSize === 4
    ? view.getUint32(h.lengthAt, h.littleEndian)
    : view.getUint16(h.lengthAt, h.littleEndian);
}

function writeLength(bytes: Uint8Array, h: Header, value: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (h.lengthSize === 4) view.setUint32(h.lengthAt, value >>> 0, h.littleEndian);
  else view.setUint16(h.lengthAt, value & 0xffff, h.littleEndian);
}

function concatAll(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
