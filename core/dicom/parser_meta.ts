/**
 * The start of a DICOM stream for the parser: the optional preamble and `DICM` prefix, then
 * File Meta Information (PS3.10 §7.1), up to the choice of the dataset's encoding. It is read
 * by other rules than the dataset (always Explicit VR LE, each value gathered whole, the
 * encoding sniffed when no transfer syntax names it), so it lives apart from the parser.
 */
import type { ByteQueue } from "./byte_queue.ts";
import { vrOf } from "./dictionary.ts";
import { DicomParseError } from "./errors.ts";
import type { DicomEvent, Encoding } from "./events.ts";
import { explicitVrAt, readTag, readU16, readU32 } from "./header.ts";
import { detectDatasetStart } from "./sniff.ts";
import { encodingOf, trimUid } from "./transfer_syntax.ts";
import { hasLongLength } from "./vr.ts";

/** Largest File Meta element gathered whole (they are short UIDs and names). */
export const MAX_META_VALUE = 64 * 1024;

/**
 * Reads the preamble and File Meta from the parser's queue into events, one step per call.
 * Once File Meta has ended, `encoding` says how the dataset that follows is encoded.
 */
export class FileMetaReader {
  /** Offset of the next byte to read (the parser's position while this reader runs). */
  offset = 0;
  /** The dataset's encoding, set when File Meta has ended (a `metaEnd` was emitted). */
  encoding: Encoding | undefined;
  #atPreamble = true;
  #hadMeta = false;
  #transferSyntax: string | undefined;

  /**
   * Reads the preamble or one File Meta element from `q`, pushing its events to `out`;
   * false when more bytes are needed first. `final`: no more bytes will come.
   */
  read(q: ByteQueue, out: DicomEvent[], final: boolean): boolean {
    return this.#atPreamble ? this.#readPreamble(q, out, final) : this.#readMeta(q, out, final);
  }

  /** The 128-byte preamble and `DICM` prefix are optional in practice (PS3.10 §7.1). */
  #readPreamble(q: ByteQueue, out: DicomEvent[], final: boolean): boolean {
    if (q.available < 132 && !final) return false;
    if (q.available >= 132) {
      const magic = q.peek(132).subarray(128);
      if (magic[0] === 0x44 && magic[1] === 0x49 && magic[2] === 0x43 && magic[3] === 0x4d) {
        out.push({ kind: "preamble", bytes: q.take(128).slice() });
        q.skip(4);
        this.offset = 132;
        this.#atPreamble = false;
        return true;
      }
    }
    // No DICM: the stream must start with a File Meta or dataset element, or it is not DICOM.
    if (q.available < 8) throw new DicomParseError("Not DICOM: input too short", 0);
    const start = detectDatasetStart(q.peek(8));
    if (!start) {
      throw new DicomParseError(
        "Not DICOM: no DICM prefix and the first element is not in group 0002 or 0008",
        0,
      );
    }
    this.#atPreamble = false;
    return true;
  }

  /** File Meta Information: Explicit VR LE, group 0002, each value gathered (PS3.10 §7.1). */
  #readMeta(q: ByteQueue, out: DicomEvent[], final: boolean): boolean {
    if (q.available < 8) {
      if (!final) return false;
      // At the end, fewer than 8 bytes cannot be a File Meta element, so File Meta is over: a
      // deflated dataset can be that short (an empty one deflates to 2 bytes, as we write it);
      // any other leftover is reported by finish() as a truncated header.
      if (q.available >= 2 && readU16(q.peek(2), 0, true) === 0x0002) return false;
      return this.#endMeta(undefined, out);
    }
    const head = q.peek(8);
    if (readU16(head, 0, true) !== 0x0002) return this.#endMeta(head, out);
    const tag = readTag(head, 0, true);
    let vr = explicitVrAt(head, 4);
    let headerSize = 8;
    let length: number;
    if (vr === undefined) {
      // A few writers emit File Meta in Implicit VR; read it so, and write it back Explicit.
      vr = vrOf(tag);
      length = readU32(head, 4, true);
    } else if (hasLongLength(vr)) {
      if (q.available < 12) return false;
      headerSize = 12;
      length = readU32(q.peek(12), 8, true);
    } else {
      length = readU16(head, 6, true);
    }
    if (length > MAX_META_VALUE) {
      throw new DicomParseError(`File Meta value length ${length} is too large`, this.offset, tag);
    }
    if (q.available < headerSize + length) return false;
    q.skip(headerSize);
    const value = q.take(length).slice();
    out.push({ kind: "element", tag, vr, length, offset: this.offset });
    if (length > 0) out.push({ kind: "value", bytes: value, last: true });
    this.offset += headerSize + length;
    this.#hadMeta = true;
    if (tag === 0x00020010) {
      // A value that is no UID (PS3.5 §9.1) names no encoding: read the dataset as if File Meta
      // had none, by sniffing, and the encoder writes the syntax actually used. Fuzzing found a
      // 64 KiB garbage value kept as the "transfer syntax" and written back UTF-8-expanded
      // past what File Meta can hold.
      const uid = trimUid(new TextDecoder("latin1").decode(value));
      this.#transferSyntax = /^[0-9.]{1,64}$/.test(uid) ? uid : undefined;
    }
    return true;
  }

  /** Chooses the dataset encoding: from the transfer syntax, else sniffed from the first header. */
  #endMeta(head: Uint8Array | undefined, out: DicomEvent[]): boolean {
    let encoding: Encoding;
    if (this.#transferSyntax) {
      encoding = encodingOf(this.#transferSyntax);
    } else {
      const proven = this.#hadMeta || this.offset >= 132;
      const sniffed = head ? detectDatasetStart(head, proven) : undefined;
      if (head && !sniffed) {
        throw new DicomParseError("Cannot tell the dataset encoding: no transfer syntax", 0);
      }
      encoding = encodingOf(sniffed ?? "1.2.840.10008.1.2.1");
    }
    out.push({ kind: "metaEnd", encoding, hadMeta: this.#hadMeta, offset: this.offset });
    this.encoding = encoding;
    return true;
  }
}
