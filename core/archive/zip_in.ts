/**
 * Reading an uploaded ZIP with zip.js over a spooled file (TOOLCHAIN §6: `ZipReader` on a
 * seek/read `Reader`; `ZipReaderStream` buffers). Every entry name is checked before any
 * entry is read (zip-slip), and the declared sizes are checked against the limits
 * (zip bombs); `zip_out.ts` also counts the real bytes, since headers can lie.
 */
import { configure, type Entry, type FileEntry, Reader, ZipReader } from "@zip.js/zip.js";
import type { FileHandle } from "node:fs/promises";
import { UnsafePathError, UploadTooLargeError } from "../limits/errors.ts";
import { ZipFormatError } from "./errors.ts";
import { safeRelativePath } from "../limits/safe_path.ts";

// Workers would need a separate script URL under Deno; inline codecs are fast enough here.
configure({ useWebWorkers: false });

/** Limits applied to an uploaded archive. */
export interface ZipLimits {
  /** Largest total uncompressed size (declared and actual). */
  readonly maxExpandedBytes: number;
  readonly maxEntries: number;
  /**
   * Largest overall compression ratio (declared uncompressed / compressed), checked once the
   * archive declares more than `ratioFloorBytes`: deflate reaches ~1000:1 on zeros, so without
   * it a 4 MB upload could make the server inflate, de-identify and send back 4 GiB.
   */
  readonly maxRatio?: number;
  readonly ratioFloorBytes?: number;
}

/** zip.js `Reader` with positional reads (pread), so concurrent reads cannot interleave. */
class FileHandleReader extends Reader<FileHandle> {
  readonly #handle: FileHandle;

  constructor(handle: FileHandle, size: number) {
    super(handle);
    this.#handle = handle;
    this.size = size;
  }

  override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
    const buf = new Uint8Array(length);
    let off = 0;
    while (off < length) {
      const { bytesRead } = await this.#handle.read(buf, off, length - off, index + off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === length ? buf : buf.subarray(0, off);
  }
}

/** The file entries of an archive, with validated names, and the reader to close. */
export interface OpenedZip {
  readonly entries: readonly FileEntry[];
  close(): Promise<void>;
}

/**
 * Opens the archive and validates it: rejects duplicate or unsafe names (UnsafePathError),
 * encrypted entries, too many entries and declared sizes beyond the limit.
 */
export async function openZip(
  handle: FileHandle,
  size: number,
  limits: ZipLimits,
): Promise<OpenedZip> {
  const reader = new ZipReader(new FileHandleReader(handle, size), {
    useWebWorkers: false,
    filenameValidation: "strict",
    checkAmbiguity: true,
  });
  try {
    const all = await listEntries(reader, limits.maxEntries);
    const entries: FileEntry[] = [];
    let declared = 0;
    let compressed = 0;
    for (const entry of all) {
      if (entry.directory) continue;
      safeRelativePath(entry.filename);
      if (entry.encrypted) throw new RangeError("Encrypted ZIP entries are not supported");
      declared += entry.uncompressedSize;
      if (declared > limits.maxExpandedBytes) {
        throw new UploadTooLargeError("ZIP content", limits.maxExpandedBytes);
      }
      compressed += entry.compressedSize;
      entries.push(entry);
    }
    const { maxRatio, ratioFloorBytes = 0 } = limits;
    if (maxRatio !== undefined && declared > ratioFloorBytes && declared > compressed * maxRatio) {
      throw new UploadTooLargeError("ZIP compression ratio", maxRatio, "to 1");
    }
    return { entries, close: async () => void (await reader.close()) };
  } catch (err) {
    await reader.close();
    throw err;
  }
}

/**
 * The archive's entries, stopping at `max + 1`: a zip.js entry object costs ~8 KB, so an
 * archive of 100,000 tiny entries would take ~800 MB just to be counted and refused.
 */
async function listEntries(reader: ZipReader<FileHandle>, max: number): Promise<Entry[]> {
  const all: Entry[] = [];
  try {
    for await (const entry of reader.getEntriesGenerator()) {
      if (all.push(entry) > max) {
        throw new UploadTooLargeError("ZIP entry count", max, "entries");
      }
    }
  } catch (err) {
    if (err instanceof UploadTooLargeError) throw err;
    if (err instanceof Error && err.message.startsWith("Unsafe filename")) {
      throw new UnsafePathError("ZIP entry name escapes the archive");
    }
    throw new ZipFormatError(err);
  }
  return all;
}
