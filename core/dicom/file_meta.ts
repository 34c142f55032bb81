import type { DicomEvent } from "./events.ts";
import { writeTag, writeU16, writeU32 } from "./header.ts";
import { trimUid } from "./transfer_syntax.ts";
import type { Tag } from "./tag.ts";
import { hasLongLength, type Vr } from "./vr.ts";

/** This implementation's Implementation Class UID (a UUID-derived UID, PS3.5 §B.2). */
export const IMPLEMENTATION_CLASS_UID = "2.25.318336240824205298464689131739197279176";
/** This implementation's Implementation Version Name (SH, at most 16 characters). */
export const IMPLEMENTATION_VERSION_NAME = "DEID_0_1";
/** Media Storage Directory Storage, the SOP Class of DICOMDIR files (PS3.4 Annex B). */
export const DICOMDIR_SOP_CLASS = "1.2.840.10008.1.3.10";

interface MetaElement {
  vr: Vr;
  bytes: Uint8Array;
}

/**
 * Gathers the File Meta Information group while it is parsed and writes it back (PS3.10
 * §7.1) with a recomputed group length (0002,0000), the version (0002,0001), the transfer
 * syntax actually written and an implementation UID/name when the input had none.
 */
export class FileMeta {
  #elements = new Map<Tag, MetaElement>();
  #current: { tag: Tag; parts: Uint8Array[] } | undefined;
  #watch: { tag: Tag; parts: Uint8Array[] } | undefined;

  /** Starts gathering a File Meta element. */
  element(tag: Tag, vr: Vr, length: number): void {
    this.#current = { tag, parts: [] };
    this.#elements.set(tag, { vr, bytes: new Uint8Array(0) });
    if (length === 0) this.#current = undefined;
  }

  /** Adds value bytes to the element being gathered. */
  value(bytes: Uint8Array): void {
    if (!this.#current) throw new TypeError("FileMeta: value without element");
    this.#current.parts.push(bytes.slice());
    const el = this.#elements.get(this.#current.tag)!;
    el.bytes = concat(this.#current.parts);
  }

  /** Sets a UI element, padded to even length with NUL (PS3.5 §6.2). */
  setUid(tag: Tag, uid: string): void {
    this.#elements.set(tag, { vr: "UI", bytes: padUid(uid) });
  }

  /** Records the transfer syntax the dataset is written in (0002,0010). */
  setTransferSyntax(uid: string): void {
    this.setUid(0x00020010, uid);
  }

  /** The trimmed text of a UI element, if present. */
  uid(tag: Tag): string | undefined {
    const el = this.#elements.get(tag);
    return el ? trimUid(new TextDecoder().decode(el.bytes)) : undefined;
  }

  /** True once the Media Storage SOP Class and Instance UIDs are known. */
  get complete(): boolean {
    return this.#elements.has(0x00020002) && this.#elements.has(0x00020003);
  }

  /** True for a DICOMDIR (Media Storage Directory Storage). */
  get isDicomdir(): boolean {
    return this.uid(0x00020002) === DICOMDIR_SOP_CLASS;
  }

  /** Takes SOP Class/Instance UIDs from top-level (0008,0016)/(0008,0018) for meta-less input. */
  watchDataset(ev: DicomEvent, depth: number): void {
    if (ev.kind === "element") {
      const target = ev.tag === 0x00080016 ? 0x00020002 : ev.tag === 0x00080018 ? 0x00020003 : 0;
      this.#watch = depth === 0 && target && !this.#elements.has(target)
        ? { tag: target, parts: [] }
        : undefined;
    } else if (ev.kind === "value" && this.#watch) {
      this.#watch.parts.push(ev.bytes.slice());
      if (ev.last) {
        // Only a UID-shaped value (PS3.5 §9.1: digits and dots, at most 64) is copied. Fuzzing
        // found a damaged 65,535-byte (0008,0016) decoded as UTF-8, grown past the 16-bit
        // length on re-encoding, which broke File Meta; latin1 keeps one byte per character.
        const uid = trimUid(new TextDecoder("latin1").decode(concat(this.#watch.parts)));
        if (/^[0-9.]{1,64}$/.test(uid)) this.setUid(this.#watch.tag, uid);
        this.#watch = undefined;
      }
    }
  }

  /** Encodes the group, Explicit VR Little Endian, sorted by tag, with its group length. */
  encode(): Uint8Array {
    if (!this.#elements.has(0x00020001)) {
      this.#elements.set(0x00020001, { vr: "OB", bytes: Uint8Array.of(0, 1) });
    }
    if (!this.#elements.has(0x00020012)) this.setUid(0x00020012, IMPLEMENTATION_CLASS_UID);
    if (!this.#elements.has(0x00020013)) {
      this.#elements.set(0x00020013, { vr: "SH", bytes: padText(IMPLEMENTATION_VERSION_NAME) });
    }
    this.#elements.delete(0x00020000);
    const parts: Uint8Array[] = [];
    for (const tag of [...this.#elements.keys()].sort((a, b) => a - b)) {
      const { vr, bytes } = this.#elements.get(tag)!;
      parts.push(encodeExplicitLe(tag, vr, bytes));
    }
    const body = concat(parts);
    const groupLength = new Uint8Array(12);
    groupLength.set(encodeExplicitLe(0x00020000, "UL", new Uint8Array(4)).subarray(0, 8));
    writeU32(groupLength, 8, body.length, true);
    return concat([groupLength, body]);
  }
}

/** One Explicit VR Little Endian element (PS3.5 §7.1.2). */
export function encodeExplicitLe(tag: Tag, vr: Vr, bytes: Uint8Array): Uint8Array {
  // A short-length VR cannot carry more than 65535 bytes; UN can (PS3.5 §6.2.2). Damaged input
  // reaches this (an Implicit VR File Meta value, a long multi-valued UID mapped), and the
  // 16-bit length silently wrapped, breaking the header (fuzzing).
  if (!hasLongLength(vr) && bytes.length > 0xffff) vr = "UN";
  const long = hasLongLength(vr);
  const out = new Uint8Array((long ? 12 : 8) + bytes.length);
  writeTag(out, 0, tag, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) writeU32(out, 8, bytes.length, true);
  else writeU16(out, 6, bytes.length, true);
  out.set(bytes, long ? 12 : 8);
  return out;
}

/** A UID as bytes, padded with one NUL to even length. */
export function padUid(uid: string): Uint8Array {
  return encodeShort(uid.length % 2 ? uid + "\0" : uid);
}

/** Text as bytes, padded with one space to even length. */
export function padText(text: string): Uint8Array {
  return encodeShort(text.length % 2 ? text + " " : text);
}

const UTF8 = new TextEncoder();

/** UTF-8 bytes of `text`; a plain loop for short ASCII (UIDs, dummies), cheaper than the op. */
function encodeShort(text: string): Uint8Array {
  if (text.length > 256) return UTF8.encode(text);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return UTF8.encode(text);
    out[i] = c;
  }
  return out;
}

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
