/**
 * Writes a manifest file as a run goes: the header at once, one chained record per file as
 * results settle, then summary and signature. Lines go to a hidden partial file beside the
 * target, renamed into place only when complete: a killed run leaves no manifest under the
 * final name (and never a manifest that silently lacks files).
 */
import { exists } from "../fs/exists.ts";
import { basename, dirname, join } from "node:path";
import { ManifestChain } from "./chain.ts";
import { fileBody, type FileOutcome, headerBody, type HeaderInfo } from "./records.ts";
import type { SigningKey } from "./signing_key.ts";
import { ManifestTally } from "./summary.ts";

/** Buffered characters that trigger a write. */
const FLUSH_LENGTH = 256 * 1024;

/** The manifest target exists and may not be replaced; the message names the path only. */
export class ManifestExistsError extends Error {
  /** Creates the error. */
  constructor(path: string) {
    super(`${path} already exists (pass --overwrite to replace it)`);
    this.name = "ManifestExistsError";
  }
}

/** Options of {@link ManifestWriter.open}. */
export interface ManifestWriterOptions {
  readonly path: string;
  readonly header: Omit<HeaderInfo, "signingKey">;
  readonly signingKey: SigningKey;
  /** Replace an existing file at `path` (refused by default). */
  readonly overwrite?: boolean;
}

/** One manifest being written; `add` calls are serialised, so callers need not await each. */
export class ManifestWriter {
  readonly #path: string;
  readonly #partial: string;
  readonly #file: Deno.FsFile;
  readonly #key: SigningKey;
  readonly #overwrite: boolean;
  readonly #chain = new ManifestChain();
  readonly #tally = new ManifestTally();
  readonly #encoder = new TextEncoder();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #fileOpen = true;
  /** Lines not yet written: one write per ~256 KiB, not per file (thousands of small files). */
  #pending: string[] = [];
  #pendingLength = 0;

  private constructor(path: string, partial: string, file: Deno.FsFile, o: ManifestWriterOptions) {
    this.#path = path;
    this.#partial = partial;
    this.#file = file;
    this.#key = o.signingKey;
    this.#overwrite = o.overwrite ?? false;
  }

  /** Creates the partial file and writes the header; refuses an existing target up front. */
  static async open(o: ManifestWriterOptions): Promise<ManifestWriter> {
    if (!o.overwrite && await exists(o.path)) throw new ManifestExistsError(o.path);
    const random = crypto.getRandomValues(new Uint32Array(2)).join("");
    await Deno.mkdir(dirname(o.path), { recursive: true });
    const partial = join(dirname(o.path), `.${basename(o.path)}.partial-${random}`);
    const file = await Deno.open(partial, { write: true, createNew: true, mode: 0o644 });
    const w = new ManifestWriter(o.path, partial, file, o);
    const { publicKey, id } = o.signingKey;
    await w.#write(
      w.#chain.next("header", headerBody({ ...o.header, signingKey: { publicKey, id } })),
    );
    return w;
  }

  /** The partial file's path (what a killed run leaves behind). */
  get partialPath(): string {
    return this.#partial;
  }

  /** Appends one file's record (buffered; written in batches and at `finish()`). */
  add(outcome: FileOutcome): Promise<void> {
    if (this.#closed) return Promise.reject(new TypeError("ManifestWriter is closed"));
    this.#tally.add(outcome);
    const line = this.#chain.next("file", fileBody(outcome));
    this.#pending.push(line);
    this.#pendingLength += line.length;
    return this.#pendingLength >= FLUSH_LENGTH ? this.#flush() : Promise.resolve();
  }

  /** Writes summary and signature and publishes the file under its final name. */
  async finish(): Promise<void> {
    this.#closed = true;
    this.#pending.push(this.#chain.next("summary", this.#tally.body()));
    this.#pending.push(this.#chain.signature(this.#key.privateKey, this.#key.id));
    try {
      await this.#flush();
    } finally {
      this.#close();
    }
    if (this.#overwrite) return await Deno.rename(this.#partial, this.#path);
    try {
      await Deno.link(this.#partial, this.#path); // fails if the target appeared meanwhile
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) throw new ManifestExistsError(this.#path);
      if (await exists(this.#path)) throw new ManifestExistsError(this.#path);
      return await Deno.rename(this.#partial, this.#path); // no hard links on this file system
    } finally {
      await Deno.remove(this.#partial).catch(() => {});
    }
  }

  /** Drops the partial file (a failed or interrupted run). */
  async abort(): Promise<void> {
    this.#closed = true;
    await this.#queue.catch(() => {});
    this.#close();
    await Deno.remove(this.#partial).catch(() => {});
  }

  #close(): void {
    if (this.#fileOpen) this.#file.close();
    this.#fileOpen = false;
  }

  #flush(): Promise<void> {
    const text = this.#pending.join("\n");
    this.#pending = [];
    this.#pendingLength = 0;
    this.#queue = this.#queue.then(() => this.#write(text));
    return this.#queue;
  }

  async #write(line: string): Promise<void> {
    const bytes = this.#encoder.encode(line + "\n");
    for (let at = 0; at < bytes.length;) at += await this.#file.write(bytes.subarray(at));
  }
}
