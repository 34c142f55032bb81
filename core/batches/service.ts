/**
 * Batches: create, upload files (anonymized as they arrive), list, download, delete, expire.
 * State and progress are in KV and outputs on disk, so any replica sharing both can serve
 * any request. Non-DICOM uploads are refused at their first bytes, never stored, and listed
 * as "rejected" so the user sees what was dropped.
 */
import { scrubPath } from "../deid/scrub_path.ts";
import { deidentifierFor, parseAnonymizeParams } from "../anonymize/params.ts";
import { DicomParseError } from "../dicom/errors.ts";
import { formatTag } from "../dicom/tag.ts";
import { DeidSkipError, DeidValueError, isHeldBackReason } from "../deid/mod.ts";
import { type Clock, systemClock } from "../kv/retry.ts";
import { UploadTooLargeError } from "../limits/errors.ts";
import { readAhead } from "../pseudonyms/read_ahead.ts";
import { BatchDisk } from "./disk.ts";
import { BatchManifests } from "./manifest.ts";
import type { OpenTemp } from "./temp_files.ts";
import { type BatchFile, type BatchMeta, BatchStore } from "./store.ts";

/** Construction options of {@link BatchService}. */
export interface BatchServiceOptions {
  readonly kv: Deno.Kv;
  readonly clock?: Clock;
  readonly dataDir: string;
  readonly ttlMs: number;
  readonly maxUploadBytes: number;
  readonly deidKey: Uint8Array;
  /** Creates upload temp files (default: locked files; tests inject a full disk). */
  readonly openTemp?: OpenTemp;
  /** CROSSWALK_ENABLED: sequential pseudonyms also keep their originals, sealed. */
  readonly crosswalkEnabled?: boolean;
}

// KV gets a progress write at most this often per upload.
const PROGRESS_EVERY_MS = 1000;
// A record is set "processing" just before its temp file is created and locked.
const INTERRUPT_GRACE_MS = 2_000;

/** The batch use cases over KV, disk and the engine. */
export class BatchService {
  readonly store: BatchStore;
  readonly disk: BatchDisk;
  /** Per-file manifest records on disk, and the batch's signed manifest. */
  readonly manifests: BatchManifests;
  readonly #o: BatchServiceOptions;
  readonly #clock: Clock;

  constructor(options: BatchServiceOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.store = new BatchStore({ kv: options.kv, clock: this.#clock, ttlMs: options.ttlMs });
    this.disk = new BatchDisk(options.dataDir, options.openTemp);
    this.manifests = new BatchManifests({
      dataDir: options.dataDir,
      batchDir: (id) => this.disk.dir(id),
      deidKey: options.deidKey,
    });
  }

  /** Validates the settings (DeidPolicyError when bad) and creates an empty batch. */
  async create(query: URLSearchParams): Promise<BatchMeta> {
    deidentifierFor(parseAnonymizeParams(query), this.#o.deidKey);
    return await this.store.create(query.toString());
  }

  /**
   * Anonymizes one upload into the batch. Returns the file record: `done`, `rejected` (not
   * DICOM, DICOMDIR) or `failed` (broken DICOM; tag and offset kept). A too-large or aborted
   * upload leaves no file and no record and rethrows.
   */
  async upload(
    meta: BatchMeta,
    path: string,
    body: AsyncIterable<Uint8Array>,
    declaredLength?: number,
  ): Promise<BatchFile> {
    const max = this.#o.maxUploadBytes;
    if (declaredLength !== undefined && declaredLength > max) {
      throw new UploadTooLargeError("Upload", max);
    }
    const params = parseAnonymizeParams(new URLSearchParams(meta.params));
    const ahead = await readAhead(params, body, {
      kv: this.#o.kv,
      key: this.#o.deidKey,
      keepOriginals: this.#o.crosswalkEnabled ?? false,
    });
    body = ahead.body;
    const job = deidentifierFor(params, this.#o.deidKey)
      .start({ audit: true, pseudonyms: ahead.pseudonyms });
    const tap = this.manifests.tap(job.pipeline);
    const previous = await this.store.getFile(meta.id, path);
    await this.store.touch(meta);
    const upload = crypto.randomUUID();
    const processing = { path, status: "processing", upload, bytesOut: 0 } as const;
    await this.store.setFile(meta.id, { ...processing, bytesIn: 0 });
    let lastProgress = this.#clock();
    let bytesIn = 0;
    try {
      const r = await this.disk.write(meta.id, path, body, tap, {
        maxBytes: max,
        upload,
        onProgress: (n) => {
          bytesIn = n;
          if (this.#clock() - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = this.#clock();
          this.store.setFile(meta.id, { ...processing, bytesIn: n }).catch(() => {});
        },
      });
      const outputPath = scrubPath(path, job.wasRemoved, this.#o.deidKey);
      await this.manifests.saveDone(meta.id, path, outputPath, tap, job);
      return await this.store.setFile(meta.id, { path, status: "done", outputPath, ...r });
    } catch (err) {
      const outcome = classify(err);
      if (outcome === undefined) {
        if (previous) await this.store.setFile(meta.id, previous);
        else await this.store.deleteFile(meta.id, path);
        throw err;
      }
      await this.manifests.saveRefused(meta.id, path, outcome, err);
      return await this.store.setFile(meta.id, { path, bytesIn, bytesOut: 0, ...outcome });
    }
  }

  /** Deletes a batch's files and records. */
  async remove(id: string): Promise<void> {
    await this.disk.remove(id);
    await this.store.remove(id);
  }

  /**
   * Cleans up after processes that died mid-upload (run at start-up and with every sweep):
   * their temp files go, and their "processing" records become "failed". Live uploads of other
   * processes on the same DATA_DIR hold their temp file's lock and are left alone. `now` is
   * wall-clock time (file timestamps). Returns how many files and records were cleaned.
   */
  async sweepInterrupted(now: number): Promise<number> {
    // Records first: a writer that dies between the two steps still leaves its lock free.
    let n = 0;
    const grace = this.#clock() - INTERRUPT_GRACE_MS;
    for (const b of await this.store.all()) {
      n += await this.store.failInterrupted(b.id, async (f) =>
        f.updatedAt > grace || // too fresh: its temp file may not exist yet
        (f.upload !== undefined && await this.disk.isWriting(b.id, f.upload)));
    }
    return n + await this.disk.sweepTemp(now);
  }

  /** Removes expired batches, and folders whose batch record is gone; returns how many. */
  async sweep(): Promise<number> {
    const now = this.#clock();
    const all = await this.store.all();
    const known = new Set(all.map((b) => b.id));
    let n = 0;
    for (const b of all) {
      if (b.expiresAt <= now) {
        await this.remove(b.id);
        n++;
      }
    }
    for (const id of await this.disk.ids()) {
      if (!known.has(id)) {
        await this.disk.remove(id);
        n++;
      }
    }
    return n;
  }
}

/** Status and reason for an engine error; undefined for errors that fail the request. */
function classify(err: unknown): Pick<BatchFile, "status" | "error"> | undefined {
  if (err instanceof DicomParseError || err instanceof DeidValueError) {
    const status = err.message.startsWith("Not DICOM") ? "rejected" : "failed";
    const tag = err.tag === undefined ? {} : { tag: formatTag(err.tag) };
    return { status, error: { message: err.message, ...tag, offset: err.offset } };
  }
  if (err instanceof DeidSkipError) {
    const status = isHeldBackReason(err.reason) ? "held-back" : "rejected";
    return { status, error: { message: err.message } };
  }
  return undefined;
}
