/**
 * Test helper: the text values of a DICOM byte stream, read with the project's parser and
 * charset decoder: top-level values by tag, and nested ones with their depth. Values are
 * decoded with the dataset's (0008,0005) and stripped of padding.
 */
import { decodeText, parseSpecificCharacterSet } from "../../core/dicom/charset.ts";
import { vrOf } from "../../core/dicom/dictionary.ts";
import { concat } from "../../core/dicom/file_meta.ts";
import { DicomParser } from "../../core/dicom/parser.ts";
import type { Tag } from "../../core/dicom/tag.ts";
import type { Vr } from "../../core/dicom/vr.ts";

/** Text values found: top level by tag (first wins), nested as a list. */
export interface TextValues {
  top: Map<Tag, string>;
  nested: { tag: Tag; depth: number; text: string }[];
}

/** Reads every short text value of `bytes` (stops at Pixel Data's value, which it skips). */
export function textValues(bytes: Uint8Array): TextValues {
  const parser = new DicomParser();
  const out: TextValues = { top: new Map(), nested: [] };
  let depth = 0;
  let inMeta = true;
  let charsets: string[] = [];
  let cur: { tag: Tag; vr: Vr; depth: number; parts: Uint8Array[] } | undefined;
  const done = (c: NonNullable<typeof cur>) => {
    const raw = concat(c.parts);
    if (c.tag === 0x00080005 && c.depth === 0) {
      charsets = parseSpecificCharacterSet(new TextDecoder("latin1").decode(raw));
    }
    const text = decodeText(raw, charsets, c.vr).replace(/[\0 ]+$/, "");
    if (c.depth === 0 && !out.top.has(c.tag)) out.top.set(c.tag, text);
    if (c.depth > 0) out.nested.push({ tag: c.tag, depth: c.depth, text });
  };
  for (const ev of [...parser.push(bytes), ...parser.finish()]) {
    if (ev.kind === "metaEnd") inMeta = false;
    else if (ev.kind === "sequenceStart" || ev.kind === "pixelSequenceStart") depth++;
    else if (ev.kind === "sequenceEnd") depth--;
    else if (ev.kind === "element" && !inMeta && ev.length < 4096 && ev.tag !== 0x7fe00010) {
      cur = { tag: ev.tag, vr: ev.vr === "UN" ? vrOf(ev.tag) : ev.vr, depth, parts: [] };
      if (ev.length === 0) (done(cur), cur = undefined);
    } else if (ev.kind === "element") cur = undefined;
    else if (ev.kind === "value" && cur) {
      cur.parts.push(ev.bytes.slice());
      if (ev.last) (done(cur), cur = undefined);
    }
  }
  return out;
}
