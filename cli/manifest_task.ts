/**
 * The worker side of `--manifest`: hashes a task's bytes as they flow (a HashTap around the
 * pipeline) and turns hashes and the engine's audit into the evidence sent back with the
 * result. Raw UIDs are hashed here and never cross to the main thread.
 */
import type { FileJob } from "../core/deid/mod.ts";
// Leaf modules, not core/manifest/mod.ts: every runner loads this file (via process_task.ts);
// only a --manifest run's main thread needs the writer and the signing key.
import { fileEvidence } from "../core/manifest/evidence.ts";
import { HashTap } from "../core/manifest/hash_tap.ts";
import { deriveHashKey } from "../core/manifest/keys.ts";
import type { FileEvidence } from "../core/manifest/records.ts";
import type { ChunkTransform } from "./pipe_file.ts";

/** Start options of a job whose result feeds a manifest. */
export const AUDIT = { audit: true } as const;

// One derivation per key and thread, not per file.
let memo: { key: Uint8Array; hashKey: Uint8Array } | undefined;

/** Hashes for one attempt at a task (the de-identification, or the plain copy). */
export class TaskEvidence {
  readonly #hashKey: Uint8Array;
  #tap: HashTap | undefined;

  /** Evidence keyed by the manifest hash key derived from the de-identification key. */
  constructor(deidKey: Uint8Array) {
    if (memo?.key !== deidKey) memo = { key: deidKey, hashKey: deriveHashKey(deidKey) };
    this.#hashKey = memo.hashKey;
  }

  /** `t` with its input and output hashed on the way through. */
  wrap(t: ChunkTransform): ChunkTransform {
    return this.#tap = new HashTap(t, this.#hashKey);
  }

  /** The evidence once the transform has finished; `job` adds the audit (DICOM outputs). */
  of(job?: FileJob): FileEvidence {
    if (!this.#tap) throw new TypeError("TaskEvidence.of() before wrap()");
    return fileEvidence(this.#tap, this.#hashKey, job?.audit());
  }
}
