/**
 * One batch per association: each C-STORE dataset becomes one upload of the batch (File Meta
 * in front, see file_meta.ts), anonymized while it arrives and stored under a sequence number
 * (`00001.dcm`, …): names carry nothing of the sender's, since instance UIDs are identifiers.
 * The batch is created at the first C-STORE, so an echo alone leaves no empty batch.
 */
import type { BatchService } from "../batches/service.ts";
import type { BatchFile, BatchMeta } from "../batches/store.ts";
import { UploadTooLargeError } from "../limits/errors.ts";
import { ByteChannel } from "./byte_channel.ts";
import { part10Prefix } from "./file_meta.ts";

/** C-STORE-RSP status values used here (PS3.4 §GG.4.2, Table B.2-1). */
export const STORE_STATUS = {
  success: 0x0000,
  outOfResources: 0xa700,
  cannotUnderstand: 0xc000,
} as const;

/** How one C-STORE ended: the response status, a value-free comment, the stored path. */
export interface StoreOutcome {
  readonly status: number;
  readonly comment?: string;
  /** Batch-relative path of the anonymized output, on success. */
  readonly path?: string;
}

/** One dataset on its way into the batch. */
export interface StoreJob {
  /** Passes dataset bytes on; resolves when they are consumed. */
  write(bytes: Uint8Array): Promise<void>;
  /** The dataset is complete: resolves once the file is stored (or has failed). */
  end(): Promise<StoreOutcome>;
  /** The association broke mid-dataset: nothing is kept. */
  cancel(): Promise<void>;
}

/** The batch of one association. */
export class AssociationBatch {
  readonly #batches: BatchService;
  readonly #settings: string;
  #meta: Promise<BatchMeta> | undefined;
  #count = 0;

  /** `settings` is the batch's query string (profile, options, rules), as for the web API. */
  constructor(batches: BatchService, settings: string) {
    this.#batches = batches;
    this.#settings = settings;
  }

  /** The batch id, once the first C-STORE created it. */
  async id(): Promise<string | undefined> {
    return this.#meta ? (await this.#meta).id : undefined;
  }

  /** Absolute path of a stored output. */
  async filePath(path: string): Promise<string> {
    return this.#batches.disk.filePath((await this.#meta!).id, path);
  }

  /**
   * Starts storing one dataset received in `transferSyntax`. Throws TypeError for a command UID
   * that is not a UID, and whatever creating the batch throws (KV down, disk full).
   */
  async begin(
    sopClassUid: string,
    sopInstanceUid: string,
    transferSyntax: string,
  ): Promise<StoreJob> {
    const prefix = part10Prefix(sopClassUid, sopInstanceUid, transferSyntax);
    this.#meta ??= this.#batches.create(new URLSearchParams(this.#settings));
    const meta = await this.#meta.catch((err) => {
      this.#meta = undefined;
      throw err;
    });
    const path = `${String(++this.#count).padStart(5, "0")}.dcm`;
    const channel = new ByteChannel();
    const result = this.#batches.upload(meta, path, channel).then(outcomeOf, failureOf);
    result.finally(() => channel.abandon());
    await channel.write(prefix);
    return {
      write: (bytes) => channel.write(bytes),
      end: () => {
        channel.close();
        return result;
      },
      cancel: async () => {
        channel.fail(new Error("association ended before the dataset was complete"));
        await result;
      },
    };
  }
}

function outcomeOf(file: BatchFile): StoreOutcome {
  if (file.status === "done") return { status: STORE_STATUS.success, path: file.path };
  return { status: STORE_STATUS.cannotUnderstand, comment: file.error?.message };
}

/** Errors BatchService rethrows: too large, disk or KV trouble, a broken association. */
function failureOf(err: unknown): StoreOutcome {
  // A limit's message is ours and value-free; other errors (file system, KV) may name paths.
  if (err instanceof UploadTooLargeError) {
    return { status: STORE_STATUS.outOfResources, comment: err.message };
  }
  const name = err instanceof Error ? err.name : "Error";
  return { status: STORE_STATUS.outOfResources, comment: name };
}

/** Maps an error thrown before a store could start to its outcome. */
export function outcomeOfStartError(err: unknown): StoreOutcome {
  if (err instanceof TypeError) {
    return { status: STORE_STATUS.cannotUnderstand, comment: err.message };
  }
  return failureOf(err);
}
