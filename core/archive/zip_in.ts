/**
 * Reading an uploaded ZIP with zip.js over a spooled file (TOOLCHAIN §6: `ZipReader` on a
 * seek/read `Reader`; `ZipReaderStream` buffers). Every entry name is checked before any
 * entry is read (zip-slip), and the declared sizes are checked against the limits
 * (zip bombs); `zip_out.ts` also counts the real bytes, since headers can lie.
 */
import { configure, type FileEntry, Reader, ZipReader } from "@zip.js/zip.js";
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
    const all = await reader.getEntries().catch((err) => {
      if (err instanceof Error && err.message.startsWith("Unsafe filename")) {
        throw new UnsafePathError("ZIP entry name escapes the archive");
      }
      throw new ZipFormatError(err);
    });
    if (all.length > limits.maxEntries) {
      throw new UploadTooLargeError("ZIP entry count", limits.maxEntries, "entries");
    }
    const entries: FileEntry[] = [];
    let declared = 0;
    for (const entry of all) {
      if (entry.directory) continue;
      safeRelativePath(entry.filename);
      if (entry.encrypted) throw new RangeError("Encrypted ZIP entries are not supported");
      declared += entry.uncompressedSize;
      if (declared > limits.maxExpandedBytes) {
        throw new UploadTooLargeError("ZIP content", limits.maxExpandedBytes);
      }
      entries.push(entry);
    }
    return { entries, close: async () => void (await reader.close()) };
  } catch (err) {
    await reader.close();
    throw err;
  }
}
