/** Test helpers that drive the codec over whole byte arrays at a chosen chunking. */
import { DicomEncoder, type DicomEvent, DicomParser, DicomPipeline } from "../../core/dicom/mod.ts";
import { concat } from "../../core/dicom/file_meta.ts";

/** Chunk sizes every codec case runs at (STYLE.md, chunk invariance); 0 means whole. */
export const CHUNK_SIZES = [1, 2, 3, 7, 8, 4096, 0] as const;

/** Splits bytes into chunks of `size` (0: one chunk). Each chunk is a copy, as a file read is. */
export function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  if (size === 0) {
    yield bytes.slice();
    return;
  }
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/** Parses bytes at a chunking; returns the events with consecutive value chunks joined. */
export function parseJoined(bytes: Uint8Array, size: number): DicomEvent[] {
  const parser = new DicomParser();
  const events: DicomEvent[] = [];
  for (const c of chunked(bytes, size)) events.push(...parser.push(c));
  events.push(...parser.finish());
  return joinValues(events);
}

/** Joins runs of `value` events into one event each (the unit of comparison). */
export function joinValues(events: readonly DicomEvent[]): DicomEvent[] {
  const out: DicomEvent[] = [];
  let run: Uint8Array[] = [];
  for (const ev of events) {
    if (ev.kind === "value") {
      run.push(ev.bytes);
      if (ev.last) {
        out.push({ kind: "value", bytes: concat(run).slice(), last: true });
        run = [];
      }
    } else {
      out.push(ev);
    }
  }
  return out;
}

/** Parse → encode (no stages) at a chunking; returns the output bytes. */
export function roundTrip(bytes: Uint8Array, size: number): Uint8Array {
  const pipeline = new DicomPipeline();
  const out: Uint8Array[] = [];
  for (const c of chunked(bytes, size)) out.push(...pipeline.push(c));
  out.push(...pipeline.finish());
  return concat(out).slice();
}

/** Encodes a list of events in one go. */
export function encodeEvents(events: readonly DicomEvent[]): Uint8Array {
  const encoder = new DicomEncoder();
  return concat([...encoder.push(events), ...encoder.finish()]).slice();
}
