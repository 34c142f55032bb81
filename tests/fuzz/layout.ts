/**
 * Where the headers of a DICOM file sit, found with our own parser's event offsets: the map the
 * mutators use to cut at element boundaries and to aim at length fields and VR codes.
 */
import { type DicomEvent, DicomParser } from "../../core/dicom/mod.ts";
import { hasLongLength, isVr } from "../../core/dicom/vr.ts";

/** One header in the input bytes (an element, sequence, item, fragment or Pixel Data start). */
export interface Header {
  /** Byte offset of the header (its tag) in the input. */
  readonly offset: number;
  readonly kind: "element" | "sequence" | "item" | "fragment" | "pixels";
  /** Offset and width of the length field. */
  readonly lengthAt: number;
  readonly lengthSize: 2 | 4;
  /** Offset of the two VR bytes (explicit VR headers only). */
  readonly vrAt?: number;
  readonly littleEndian: boolean;
  /** Sequence nesting depth (0: top-level dataset or File Meta). */
  readonly depth: number;
  /** True for File Meta (group 0002) headers. */
  readonly meta: boolean;
}

/** The header map of one file. */
export interface Layout {
  readonly headers: readonly Header[];
  /** Offset of the first dataset byte (after File Meta), or the input length if never reached. */
  readonly datasetStart: number;
  /** Dataset encoding, for building headers that fit the file. */
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  /** Deflated dataset: its offsets are in the inflated stream, so only File Meta is mapped. */
  readonly deflated: boolean;
}

interface Level {
  explicitVr: boolean;
  littleEndian: boolean;
}

/** Parses `bytes` (stopping quietly at the first error) and maps every header it reached. */
export function layoutOf(bytes: Uint8Array): Layout {
  const events = prefixEvents(bytes);
  const headers: Header[] = [];
  const stack: Level[] = [{ explicitVr: true, littleEndian: true }];
  let datasetStart = bytes.length;
  let dataset: Level = { explicitVr: true, littleEndian: true };
  let deflated = false;
  let inMeta = true;
  for (const ev of events) {
    const level = stack[stack.length - 1];
    switch (ev.kind) {
      case "metaEnd":
        inMeta = false;
        datasetStart = ev.offset;
        deflated = ev.encoding.deflated;
        dataset = { explicitVr: ev.encoding.explicitVr, littleEndian: ev.encoding.littleEndian };
        stack[0] = dataset;
        break;
      case "element":
      case "sequenceStart":
      case "pixelSequenceStart": {
        if (deflated && !inMeta) break;
        const kind = ev.kind === "element"
          ? "element"
          : ev.kind === "sequenceStart"
          ? "sequence"
          : "pixels";
        headers.push(elementHeader(bytes, ev.offset, kind, level, stack.length - 1, inMeta));
        if (ev.kind !== "element") {
          const inner = ev.kind === "sequenceStart" && ev.vr === "UN"
            ? { explicitVr: false, littleEndian: true }
            : level;
          stack.push(inner);
        }
        break;
      }
      case "itemStart":
      case "fragment":
        if (!(deflated && !inMeta)) {
          headers.push({
            offset: ev.offset,
            kind: ev.kind === "itemStart" ? "item" : "fragment",
            lengthAt: ev.offset + 4,
            lengthSize: 4,
            littleEndian: level.littleEndian,
            depth: stack.length - 1,
            meta: false,
          });
        }
        if (ev.kind === "itemStart") stack.push(level);
        break;
      case "itemEnd":
      case "sequenceEnd":
        if (stack.length > 1) stack.pop();
        break;
    }
  }
  const valid = headers.filter((h) => h.lengthAt + h.lengthSize <= bytes.length);
  return {
    headers: valid,
    datasetStart,
    explicitVr: dataset.explicitVr,
    littleEndian: dataset.littleEndian,
    deflated,
  };
}

function elementHeader(
  bytes: Uint8Array,
  offset: number,
  kind: Header["kind"],
  level: Level,
  depth: number,
  meta: boolean,
): Header {
  const code = String.fromCharCode(bytes[offset + 4] ?? 0, bytes[offset + 5] ?? 0);
  // The parser reads File Meta with an unknown VR code as implicit, and a dataset element with
  // an unknown code as explicit with a 16-bit length (DCMTK's reading): mirror both.
  const explicit = level.explicitVr && (!meta || isVr(code));
  const base = { offset, kind, littleEndian: level.littleEndian, depth, meta };
  if (!explicit) return { ...base, lengthAt: offset + 4, lengthSize: 4 };
  if (isVr(code) && hasLongLength(code)) {
    return { ...base, lengthAt: offset + 8, lengthSize: 4, vrAt: offset + 4 };
  }
  return { ...base, lengthAt: offset + 6, lengthSize: 2, vrAt: offset + 4 };
}

/**
 * The events of the input up to its first error, if any. Pushed in 256-byte steps because a
 * throwing `push` loses the events of its own step.
 */
function prefixEvents(bytes: Uint8Array): DicomEvent[] {
  const parser = new DicomParser({ maxDepth: 1024 });
  const events: DicomEvent[] = [];
  try {
    for (let at = 0; at < bytes.length; at += 256) {
      for (const ev of parser.push(bytes.subarray(at, at + 256))) {
        if (ev.kind !== "value") events.push(ev);
      }
    }
    events.push(...parser.finish());
  } catch {
    // A broken file still has a usable prefix.
  }
  return events;
}
