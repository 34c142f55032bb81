/**
 * Batch state in KV, so any replica can answer a poll: one record per batch and one per file
 * (status and byte counts, never a DICOM value). Expiry is stored as `expiresAt` and checked
 * on every read (KV's `expireIn` is lazy, TOOLCHAIN §4).
 */
import { type Clock, withKvRetry } from "../kv/retry.ts";

/** A batch: its anonymization settings (as a query string) and lifetime. */
export interface BatchMeta {
  readonly id: string;
  /** The query string given at creation (`profile=…&option=…`), re-parsed per upload. */
  readonly params: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** updatedAt + BATCH_TTL_HOURS: each upload extends it. */
  readonly expiresAt: number;
}

/**
 * Where a file stands: still arriving, anonymized, refused as not DICOM, held back (burned-in
 * annotation, or pixels a Clean Pixel Data rule could not clean: nothing stored), or broken.
 */
export type FileStatus = "processing" | "done" | "rejected" | "held-back" | "failed";

/** One uploaded file of a batch. */
export interface BatchFile {
  /** Relative path as uploaded (validated). */
  readonly path: string;
  readonly status: FileStatus;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly updatedAt: number;
  /** While `processing`: the id of the upload's temp file (see BatchDisk.isWriting). */
  readonly upload?: string;
  /**
   * When `done`: the path the file has in downloads and the batch ZIP — the uploaded path
   * with components that carry a removed value (e.g. a folder named after the Patient ID)
   * replaced by keyed pseudonyms (core/deid/scrub_path.ts).
   */
  readonly outputPath?: string;
  /** Why it was rejected or failed: a message with tag and offset, never a value. */
  readonly error?: { readonly message: string; readonly tag?: string; readonly offset?: number };
}

/** Batch and file records over an injected KV and clock. */
export class BatchStore {
  readonly #kv: Deno.Kv;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(opts: { kv: Deno.Kv; clock: Clock; ttlMs: number }) {
    this.#kv = opts.kv;
    this.#clock = opts.clock;
    this.#ttlMs = opts.ttlMs;
  }

  /** Creates a batch with a random id. */
  async create(params: string): Promise<BatchMeta> {
    const now = this.#clock();
    const meta = {
      id: crypto.randomUUID(),
      params,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + this.#ttlMs,
    };
    await withKvRetry(() => this.#kv.set(["batch", meta.id], meta));
    return meta;
  }

  /** The batch, or null when unknown or expired. */
  async get(id: string): Promise<BatchMeta | null> {
    const meta = (await withKvRetry(() => this.#kv.get<BatchMeta>(["batch", id]))).value;
    return meta !== null && meta.expiresAt > this.#clock() ? meta : null;
  }

  /** Extends the batch's life from now (an upload is activity). */
  async touch(meta: BatchMeta): Promise<void> {
    const now = this.#clock();
    const next = { ...meta, updatedAt: now, expiresAt: now + this.#ttlMs };
    await withKvRetry(() => this.#kv.set(["batch", meta.id], next));
  }

  /** Every batch record, expired ones included (for the sweeper). */
  async all(): Promise<BatchMeta[]> {
    const out: BatchMeta[] = [];
    for await (const e of this.#kv.list<BatchMeta>({ prefix: ["batch"] })) out.push(e.value);
    return out;
  }

  /** Live batches, newest first. */
  async live(): Promise<BatchMeta[]> {
    const now = this.#clock();
    return (await this.all()).filter((b) => b.expiresAt > now).sort((a, b) =>
      b.createdAt - a.createdAt
    );
  }

  /** Writes a file record (stamping `updatedAt`). */
  async setFile(id: string, file: Omit<BatchFile, "updatedAt">): Promise<BatchFile> {
    const rec = { ...file, updatedAt: this.#clock() };
    await withKvRetry(() => this.#kv.set(["batch_file", id, file.path], rec));
    return rec;
  }

  /** One file record, or null. */
  async getFile(id: string, path: string): Promise<BatchFile | null> {
    return (await withKvRetry(() => this.#kv.get<BatchFile>(["batch_file", id, path]))).value;
  }

  /** Drops a file record. */
  async deleteFile(id: string, path: string): Promise<void> {
    await withKvRetry(() => this.#kv.delete(["batch_file", id, path]));
  }

  /** All file records of a batch, in path order. */
  async files(id: string): Promise<BatchFile[]> {
    const out: BatchFile[] = [];
    for await (const e of this.#kv.list<BatchFile>({ prefix: ["batch_file", id] })) {
      out.push(e.value);
    }
    return out;
  }

  /**
   * Marks `processing` records whose writer is gone (`isWriting` false) as failed, so a file
   * cut off by a crash never stays "processing" forever. Each update is checked against the
   * record as read: if the writer finished meanwhile, its "done" stands. Returns how many.
   */
  async failInterrupted(
    id: string,
    isWriting: (f: BatchFile) => Promise<boolean>,
  ): Promise<number> {
    let n = 0;
    for await (const e of this.#kv.list<BatchFile>({ prefix: ["batch_file", id] })) {
      const f = e.value;
      if (f.status !== "processing" || await isWriting(f)) continue;
      const { upload: _, ...rest } = f;
      const failed: BatchFile = {
        ...rest,
        status: "failed",
        bytesOut: 0,
        updatedAt: this.#clock(),
        error: { message: "Upload interrupted (the server stopped); upload the file again" },
      };
      const res = await withKvRetry(() => this.#kv.atomic().check(e).set(e.key, failed).commit());
      if (res.ok) n++;
    }
    return n;
  }

  /** Deletes the batch record and every file record. */
  async remove(id: string): Promise<void> {
    for await (const e of this.#kv.list({ prefix: ["batch_file", id] })) {
      await withKvRetry(() => this.#kv.delete(e.key));
    }
    await withKvRetry(() => this.#kv.delete(["batch", id]));
  }
}
