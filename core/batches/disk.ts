/**
 * Batch files on disk: `DATA_DIR/batches/<id>/files/<relative path>` holds anonymized outputs
 * only. An upload is written to `…/<id>/.tmp/` through the pipeline and renamed into place
 * when complete, so a reader never sees half a file and a failure leaves nothing behind (a
 * killed process's temp files are removed by the start-up sweep, see temp_files.ts).
 */
import { dirname, join } from "node:path";
import { UnsafePathError, UploadTooLargeError } from "../limits/errors.ts";
import { safeRelativePath } from "../limits/safe_path.ts";
import { isHeld, openLockedTemp, type OpenTemp, sweepTempDir, TEMP_SUFFIX } from "./temp_files.ts";

/** A synchronous bytes-in, bytes-out stage (a DICOM pipeline). */
export interface ChunkTransform {
  push(chunk: Uint8Array): Uint8Array[];
  finish(): Uint8Array[];
}

/** Byte counts of a finished write. */
export interface WriteResult {
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** Options of {@link BatchDisk.write}. */
export interface WriteOptions {
  readonly maxBytes: number;
  /** Names the temp file (`.tmp/<upload>.part`), so a sweep can ask whether it is still held. */
  readonly upload: string;
  /** Called after each chunk with the bytes read so far. */
  readonly onProgress?: (bytesIn: number) => void;
}

/** The on-disk side of batches. */
export class BatchDisk {
  readonly #root: string;
  readonly #openTemp: OpenTemp;

  /**
   * `dataDir` is DATA_DIR; batches live under `dataDir/batches`. `openTemp` creates the temp
   * file of an upload (default: locked, see temp_files.ts; tests inject a full disk).
   */
  constructor(dataDir: string, openTemp: OpenTemp = openLockedTemp) {
    this.#root = join(dataDir, "batches");
    this.#openTemp = openTemp;
  }

  /** The folder of one batch. */
  dir(id: string): string {
    return join(this.#root, id);
  }

  /** Absolute path of a stored output; `path` is re-validated (defence in depth). */
  filePath(id: string, path: string): string {
    return join(this.dir(id), "files", safeRelativePath(path));
  }

  /** Streams `body` through `transform` into the batch; renames into place on success only. */
  async write(
    id: string,
    path: string,
    body: AsyncIterable<Uint8Array>,
    transform: ChunkTransform,
    opts: WriteOptions,
  ): Promise<WriteResult> {
    const target = this.filePath(id, path);
    const tmpDir = join(this.dir(id), ".tmp");
    await Deno.mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = this.#tempPath(id, opts.upload);
    let bytesIn = 0;
    let bytesOut = 0;
    try {
      const file = await this.#openTemp(tmp);
      try {
        const put = async (chunks: Uint8Array[]) => {
          for (const c of chunks) {
            for (let off = 0; off < c.length;) off += await file.write(c.subarray(off));
            bytesOut += c.length;
          }
        };
        for await (const chunk of body) {
          bytesIn += chunk.length;
          if (bytesIn > opts.maxBytes) throw new UploadTooLargeError("Upload", opts.maxBytes);
          await put(transform.push(chunk));
          opts.onProgress?.(bytesIn);
        }
        await put(transform.finish());
      } finally {
        file.close();
      }
      await place(tmp, target);
      return { bytesIn, bytesOut };
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
  }

  /** True while the upload `upload` of batch `id` is being written by a live process. */
  async isWriting(id: string, upload: string): Promise<boolean> {
    return await isHeld(this.#tempPath(id, upload));
  }

  /** Removes temp files left by dead processes in every batch; returns how many. */
  async sweepTemp(now: number): Promise<number> {
    let n = 0;
    for (const id of await this.ids()) n += await sweepTempDir(join(this.dir(id), ".tmp"), now);
    return n;
  }

  #tempPath(id: string, upload: string): string {
    if (!/^[0-9a-f-]{36}$/.test(upload)) throw new TypeError("upload must be a UUID");
    return join(this.dir(id), ".tmp", `${upload}${TEMP_SUFFIX}`);
  }

  /** Removes a batch folder and everything in it. */
  async remove(id: string): Promise<void> {
    await Deno.remove(this.dir(id), { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }

  /** Ids of the batch folders present on disk. */
  async ids(): Promise<string[]> {
    const out: string[] = [];
    try {
      for await (const e of Deno.readDir(this.#root)) if (e.isDirectory) out.push(e.name);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    return out;
  }
}

/** Creates parent folders and renames; a file where a folder should be (or the reverse) is refused. */
async function place(tmp: string, target: string): Promise<void> {
  try {
    await Deno.mkdir(dirname(target), { recursive: true, mode: 0o700 });
    if ((await Deno.stat(target).catch(() => null))?.isDirectory) {
      throw new Deno.errors.IsADirectory("target is a folder");
    }
    await Deno.rename(tmp, target);
  } catch (err) {
    const collision = err instanceof Deno.errors.AlreadyExists ||
      err instanceof Deno.errors.NotADirectory || err instanceof Deno.errors.IsADirectory;
    if (!collision) throw err;
    throw new UnsafePathError("the path collides with an existing file or folder");
  }
}
