/**
 * Reading a ZIP of DICOM files with zip.js over random-access file reads (the archive is never
 * loaded whole, TOOLCHAIN §6), refusing unsafe entry names (zip-slip) and zip bombs.
 */
import type { Entry, FileEntry, Reader, ZipReader } from "@zip.js/zip.js";

/** Largest total uncompressed size an input archive may declare. */
export const MAX_ZIP_TOTAL_BYTES = 64 * 1024 ** 3;
/** Largest overall compression ratio, checked once an archive declares more than 1 GiB. */
export const MAX_ZIP_RATIO = 100;
const RATIO_FLOOR = 1024 ** 3;

/** An input archive that is refused as a whole (unsafe names, a bomb, not a ZIP). */
export class UnsafeZipError extends Error {
  /** Creates the error; the message names the archive and, at most, an entry's path. */
  constructor(message: string) {
    super(message);
    this.name = "UnsafeZipError";
  }
}

type ZipJs = { ZipReader: typeof ZipReader; FsFileReader: ReturnType<typeof fsFileReaderClass> };
let zipJs: Promise<ZipJs> | undefined;

/**
 * zip.js and the reader built on it, imported with the first archive opened: a run without
 * ZIP input (and each of its workers) skips zip.js's start-up cost (~15 ms).
 */
function loadZipJs(): Promise<ZipJs> {
  return zipJs ??= import("@zip.js/zip.js").then((z) => ({
    ZipReader: z.ZipReader,
    FsFileReader: fsFileReaderClass(z.Reader),
  }));
}

/** zip.js's `Reader`, subclassed once zip.js is loaded. */
function fsFileReaderClass(Base: typeof Reader) {
  /** Reads byte ranges of a `Deno.FsFile`; zip.js may ask for several at once, so they queue. */
  return class FsFileReader extends Base<Deno.FsFile> {
    #file: Deno.FsFile;
    #queue: Promise<unknown> = Promise.resolve();

    constructor(file: Deno.FsFile) {
      super(file);
      this.#file = file;
    }

    override async init(): Promise<void> {
      this.size = (await this.#file.stat()).size;
    }

    override readUint8Array(offset: number, length: number): Promise<Uint8Array> {
      const result = this.#queue.then(async () => {
        await this.#file.seek(offset, Deno.SeekMode.Start);
        const data = new Uint8Array(length);
        let got = 0;
        while (got < length) {
          const n = await this.#file.read(data.subarray(got));
          if (n === null) return data.subarray(0, got);
          got += n;
        }
        return data;
      });
      this.#queue = result.catch(() => undefined);
      return result;
    }
  };
}

/** One file entry of an archive, under its checked relative path. */
export interface ZipListing {
  entry: FileEntry;
  rel: string;
}

/**
 * A safe relative path for an entry name, or undefined: absolute names, drive letters, `..`
 * and NUL are refused; `\` counts as a separator (archives made on Windows).
 */
export function safeEntryPath(name: string): string | undefined {
  if (name.includes("\0") || /^([/\\]|[A-Za-z]:)/.test(name)) return undefined;
  const parts = name.split(/[/\\]+/).filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || parts.includes("..")) return undefined;
  return parts.join("/");
}

/** An open input archive. */
export class ZipArchive {
  readonly #file: Deno.FsFile;
  readonly #reader: ZipReader<Deno.FsFile>;
  readonly #entries: Entry[];
  readonly #byName = new Map<string, FileEntry>();

  private constructor(file: Deno.FsFile, reader: ZipReader<Deno.FsFile>, entries: Entry[]) {
    this.#file = file;
    this.#reader = reader;
    this.#entries = entries;
    for (const e of entries) if (!e.directory) this.#byName.set(e.filename, e);
  }

  /** Opens `path` and reads its central directory; throws UnsafeZipError when it is no ZIP. */
  static async open(path: string): Promise<ZipArchive> {
    const { ZipReader, FsFileReader } = await loadZipJs();
    const file = await Deno.open(path);
    const reader = new ZipReader(new FsFileReader(file), { useWebWorkers: false });
    try {
      return new ZipArchive(file, reader, await reader.getEntries());
    } catch (err) {
      file.close();
      const why = (err as Error).message;
      // zip.js refuses zip-slip names itself (absolute, ..); say so in our words.
      if (/unsafe filename/i.test(why)) {
        throw new UnsafeZipError(
          `${path}: an entry has an unsafe name (absolute or ..); archive refused`,
        );
      }
      throw new UnsafeZipError(`${path}: not a readable ZIP archive (${why})`);
    }
  }

  /** The file entries with checked paths; refuses the archive on any unsafe name or a bomb. */
  list(path: string): ZipListing[] {
    const out: ZipListing[] = [];
    const seen = new Set<string>();
    let total = 0, compressed = 0;
    for (const entry of this.#entries) {
      if (entry.directory) continue;
      const rel = safeEntryPath(entry.filename);
      if (rel === undefined || seen.has(rel)) {
        const why = rel === undefined ? "an unsafe name (absolute or ..)" : "a duplicate name";
        throw new UnsafeZipError(`${path}: entry #${out.length + 1} has ${why}; archive refused`);
      }
      seen.add(rel);
      total += entry.uncompressedSize;
      compressed += entry.compressedSize;
      out.push({ entry, rel });
    }
    if (total > MAX_ZIP_TOTAL_BYTES) {
      throw new UnsafeZipError(
        `${path}: declares ${total} bytes uncompressed, over the limit of ${MAX_ZIP_TOTAL_BYTES}; archive refused`,
      );
    }
    if (total > RATIO_FLOOR && total > compressed * MAX_ZIP_RATIO) {
      throw new UnsafeZipError(
        `${path}: compression ratio over ${MAX_ZIP_RATIO}:1 (a zip bomb?); archive refused`,
      );
    }
    return out;
  }

  /** The entry stored under `filename`, as listed. */
  entry(filename: string): FileEntry {
    const e = this.#byName.get(filename);
    if (!e) throw new Error(`ZIP entry not found: ${filename}`);
    return e;
  }

  /** Closes the archive and its file. */
  async close(): Promise<void> {
    await this.#reader.close();
    this.#file.close();
  }
}

/**
 * Streams an entry's bytes. Fails when it inflates past its declared size, so the archive-wide
 * caps checked on declared sizes also bound the real work.
 */
export async function* entryChunks(entry: FileEntry): AsyncGenerator<Uint8Array> {
  if (entry.encrypted) throw new Error("encrypted ZIP entries are not supported");
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const done = entry.getData(writable, { useWebWorkers: false });
  done.catch(() => {}); // an early stop cancels the stream; the rejection is expected then
  // zip.js can reject before writing a byte (a local header that disagrees with the central
  // directory, a bad deflate stream), leaving the stream open: every read races that
  // rejection, or a lying archive would hang the run.
  const failed = done.then(() => new Promise<never>(() => {}), (err) => {
    throw new UnsafeZipError(`unreadable ZIP entry: ${(err as Error).message}`);
  });
  failed.catch(() => {});
  const reader = readable.getReader();
  let n = 0;
  try {
    for (;;) {
      const { value, done: end } = await Promise.race([reader.read(), failed]);
      if (end) break;
      n += value.length;
      if (n > entry.uncompressedSize) {
        throw new UnsafeZipError("entry inflates past its declared size (a zip bomb?)");
      }
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  await done;
}
