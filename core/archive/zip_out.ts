/**
 * De-identifies the entries of an uploaded ZIP into a streamed ZIP (client-zip `makeZip`,
 * store-only, zip64). Each entry's first output chunk is awaited before the entry is handed
 * to the writer, so a file that fails in its header (or is not DICOM, or is a DICOMDIR) is
 * skipped and reported in `deid-report.json` instead of leaving half an entry. A failure
 * after an entry's output began fails the whole stream.
 */
import { scrubPath } from "../deid/scrub_path.ts";
import type { FileEntry } from "@zip.js/zip.js";
import { makeZip } from "client-zip";
import { DicomParseError } from "../dicom/errors.ts";
import { formatTag } from "../dicom/tag.ts";
import { type Deidentifier, DeidSkipError, DeidValueError } from "../deid/mod.ts";
import { UploadTooLargeError } from "../limits/errors.ts";
import { ZipFormatError } from "./errors.ts";

/** Name of the report entry added when some entries were skipped. */
export const REPORT_NAME = "deid-report.json";

/** One skipped entry: its name and why (tag and offset, never a value). */
export interface SkippedEntry {
  readonly name: string;
  readonly error: string;
  readonly tag?: string;
  readonly offset?: number;
}

/** The de-identified archive as a byte stream; `skipped` fills as entries are read. */
export function anonymizeZip(
  entries: readonly FileEntry[],
  deid: Deidentifier,
  maxExpandedBytes: number,
): { stream: ReadableStream<Uint8Array>; skipped: SkippedEntry[]; written: () => number } {
  const skipped: SkippedEntry[] = [];
  let expanded = 0;
  let written = 0;
  async function* files() {
    for (const entry of entries) {
      const job = deid.start();
      let entryBytes = 0;
      const t = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          entryBytes += chunk.length;
          expanded += chunk.length;
          if (entryBytes > entry.uncompressedSize) {
            throw new UploadTooLargeError("ZIP entry", entry.uncompressedSize);
          }
          if (expanded > maxExpandedBytes) {
            throw new UploadTooLargeError("ZIP content", maxExpandedBytes);
          }
          for (const out of job.pipeline.push(chunk)) ctl.enqueue(out);
        },
        flush(ctl) {
          for (const out of job.pipeline.finish()) ctl.enqueue(out);
        },
      });
      if (entry.symlink) {
        // A link's "content" is its target path: never followed, never DICOM.
        skipped.push({ name: entry.filename, error: "Symbolic link entry; not read" });
        continue;
      }
      // zip.js may reject before it writes a byte (a local header that disagrees with the
      // central directory, a bad deflate stream): the transform then never ends, so every read
      // races that rejection, or the request would hang with its spool file open.
      const failed = entry.getData(t.writable).then(
        () => new Promise<never>(() => {}),
        (err) => Promise.reject(err),
      );
      failed.catch(() => {});
      const reader = t.readable.getReader();
      const read = () => Promise.race([reader.read(), failed]);
      let first: ReadableStreamReadResult<Uint8Array>;
      try {
        first = await read();
      } catch (err) {
        await reader.cancel().catch(() => {});
        const why = skipReason(err);
        if (why === undefined) throw asArchiveError(err);
        skipped.push({ name: entry.filename, ...why });
        continue;
      }
      written++;
      yield {
        // The header is parsed by now (output starts after it): removed values are known.
        name: scrubPath(entry.filename, job.wasRemoved, deid.config.key),
        lastModified: entry.lastModDate,
        input: prepend(first, reader, read),
      };
    }
    if (skipped.length > 0) {
      yield { name: REPORT_NAME, input: JSON.stringify({ skipped }, null, 2) + "\n" };
    }
  }
  return { stream: makeZip(files()), skipped, written: () => written };
}

/** Why a file is skipped rather than failing the archive; undefined to fail it. */
function skipReason(err: unknown): Omit<SkippedEntry, "name"> | undefined {
  if (err instanceof DicomParseError || err instanceof DeidValueError) {
    const tag = err.tag === undefined ? {} : { tag: formatTag(err.tag) };
    return { error: err.message, ...tag, offset: err.offset };
  }
  if (err instanceof DeidSkipError) return { error: err.message };
  return undefined;
}

/** Errors of our own (limits, DICOM) pass; anything else from zip.js means a bad archive. */
function asArchiveError(err: unknown): unknown {
  if (err instanceof UploadTooLargeError || err instanceof ZipFormatError) return err;
  return new ZipFormatError(err);
}

function prepend(
  first: ReadableStreamReadResult<Uint8Array>,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  read: () => Promise<ReadableStreamReadResult<Uint8Array>>,
): ReadableStream<Uint8Array> {
  let pending = first.done ? undefined : first.value;
  return new ReadableStream({
    async pull(ctl) {
      if (pending !== undefined) {
        ctl.enqueue(pending);
        pending = undefined;
        return;
      }
      const next = await read();
      if (next.done) ctl.close();
      else ctl.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
