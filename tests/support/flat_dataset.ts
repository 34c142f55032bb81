/**
 * Reads a whole DICOM byte array with our parser into a flat map keyed by element path,
 * e.g. "00100010" or "00081110[0].00081155", for asserting what an output contains.
 */
import { DicomParser } from "../../core/dicom/mod.ts";
import { concat } from "../../core/dicom/file_meta.ts";

/** One element as found: VR and raw value bytes (undefined for sequences). */
export interface FlatElement {
  vr: string;
  bytes?: Uint8Array;
  /** Value as text with trailing NUL/space padding removed. */
  text: string;
}

const hex8 = (t: number) => t.toString(16).toUpperCase().padStart(8, "0");

/** Every element of a file by path; sequences appear with vr "SQ"/"UN" and no bytes. */
export function flatten(bytes: Uint8Array): Map<string, FlatElement> {
  const parser = new DicomParser();
  const events = [...parser.push(bytes), ...parser.finish()];
  const out = new Map<string, FlatElement>();
  const path: string[] = [];
  const itemCounts: number[] = [];
  let current: { key: string; vr: string; parts: Uint8Array[] } | undefined;
  const prefix = () => (path.length ? path.join(".") + "." : "");
  for (const ev of events) {
    switch (ev.kind) {
      case "element":
        current = { key: prefix() + hex8(ev.tag), vr: ev.vr, parts: [] };
        if (ev.length === 0) finish();
        break;
      case "value":
        current?.parts.push(ev.bytes);
        if (ev.last) finish();
        break;
      case "sequenceStart":
        out.set(prefix() + hex8(ev.tag), { vr: ev.vr, text: "" });
        path.push(hex8(ev.tag));
        itemCounts.push(0);
        break;
      case "itemStart": {
        const n = itemCounts[itemCounts.length - 1]++;
        path[path.length - 1] = path[path.length - 1].replace(/\[\d+\]$/, "") + `[${n}]`;
        break;
      }
      case "sequenceEnd":
        path.pop();
        itemCounts.pop();
        break;
      case "pixelSequenceStart":
        out.set(prefix() + hex8(ev.tag), { vr: ev.vr, text: "" });
        current = undefined;
        break;
    }
  }
  return out;

  function finish() {
    if (!current) return;
    const b = concat(current.parts).slice();
    out.set(current.key, {
      vr: current.vr,
      bytes: b,
      text: new TextDecoder("latin1").decode(b).replace(/[\0 ]+$/, ""),
    });
    current = undefined;
  }
}
