/**
 * Writes the output ZIP with client-zip `makeZip()` (store-only, zip64), streamed to a partial
 * file that is renamed when the archive is complete. Entries arrive as finished spool files,
 * so a file that fails half-way never reaches the archive.
 */
import { makeZip } from "client-zip";
import { basename, dirname, join } from "node:path";
import { commitPartial, randomSuffix, removeQuietly } from "./atomic.ts";
import { READ_SIZE, writeAll } from "./pipe_file.ts";

type Item = { name: string; spool: string };

/** An output archive being written. */
export class ZipSink {
  readonly #path: string;
  readonly #partial: string;
  readonly #spoolDir: string;
  readonly #names = new Set<string>();
  readonly #items: Item[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  #writing: Promise<void> | undefined;

  /** Prepares `path`, spooling entries in `spoolDir` (a hidden folder beside it). */
  constructor(path: string, spoolDir: string) {
    this.#path = path;
    this.#spoolDir = spoolDir;
    this.#partial = join(dirname(path), `.${basename(path)}.partial-${randomSuffix()}`);
  }

  /** Creates the spool folder and starts streaming the archive to its partial file. */
  async start(): Promise<void> {
    await Deno.mkdir(this.#spoolDir, { recursive: true, mode: 0o700 });
    const file = await Deno.open(this.#partial, { write: true, createNew: true });
    this.#writing = (async () => {
      try {
        for await (const chunk of makeZip(this.#entries())) await writeAll(file, [chunk]);
      } finally {
        file.close();
      }
    })();
    this.#writing.catch(() => {}); // surfaced by finish()
  }

  /** Queues a finished spool file as entry `name`; false (and the spool removed) on a duplicate. */
  async add(name: string, spool: string): Promise<boolean> {
    if (this.#names.has(name)) {
      await removeQuietly(spool);
      return false;
    }
    this.#names.add(name);
    this.#items.push({ name, spool });
    this.#wake?.();
    return true;
  }

  /** Ends the archive and publishes it under its final name. */
  async finish(overwrite: boolean): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#writing;
    await commitPartial(this.#partial, this.#path, overwrite);
    await Deno.remove(this.#spoolDir, { recursive: true });
  }

  /** Drops everything written so far (failure or signal); nothing appears under the final name. */
  async abort(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await removeQuietly(this.#partial);
    await Deno.remove(this.#spoolDir, { recursive: true }).catch(() => {});
  }

  async *#entries() {
    for (;;) {
      const item = this.#items.shift();
      if (item === undefined) {
        if (this.#closed) return;
        await new Promise<void>((r) => (this.#wake = r));
        continue;
      }
      const file = await Deno.open(item.spool);
      const size = (await file.stat()).size;
      await Deno.remove(item.spool); // the open handle keeps the bytes until they are read
      yield { name: item.name, size, lastModified: new Date(), input: chunks(file, size) };
    }
  }
}

/** Reads a file in chunks of up to 1 MiB (client-zip passes chunks through; small ones cost). */
async function* chunks(file: Deno.FsFile, size: number): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      const buf = new Uint8Array(Math.min(READ_SIZE, size + 1));
      const n = await file.read(buf);
      if (n === null) return;
      yield buf.subarray(0, n);
    }
  } finally {
    file.close();
  }
}
