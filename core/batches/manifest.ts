/**
 * One compliance manifest per batch (docs/manifest.md). Each upload leaves its file record on
 * disk in the batch folder (`manifest/<HMAC of the path>.json`: a file's action list can pass
 * KV's 64 KiB value limit); a download chains, counts and signs them afresh, in the order the
 * files finished, with the signing key `DATA_DIR/manifest-signing.pem` (created on first use).
 */
import { join } from "node:path";
import { deidentifierFor, parseAnonymizeParams } from "../anonymize/params.ts";
import type { FileJob } from "../deid/engine.ts";
import { DeidSkipError } from "../deid/errors.ts";
import { keyFingerprint } from "../deid/uid.ts";
import {
  deriveHashKey,
  fileBody,
  fileEvidence,
  type FileOutcome,
  hashKeyId,
  HashTap,
  headerBody,
  hmacHex,
  loadOrCreateSigningKey,
  ManifestChain,
  ManifestTally,
  SIGNING_KEY_FILE,
  type SigningKey,
  userRulesOf,
} from "../manifest/mod.ts";
import type { ChunkTransform } from "./disk.ts";
import type { BatchFile, BatchMeta } from "./store.ts";

/** Construction options of {@link BatchManifests}. */
export interface BatchManifestsOptions {
  readonly dataDir: string;
  /** The folder of a batch (BatchDisk.dir). */
  readonly batchDir: (id: string) => string;
  readonly deidKey: Uint8Array;
}

/** Per-file manifest records of batches, and the signed manifest built from them. */
export class BatchManifests {
  readonly #o: BatchManifestsOptions;
  readonly #hashKey: Uint8Array;
  #signingKey: Promise<SigningKey> | undefined;

  constructor(options: BatchManifestsOptions) {
    this.#o = options;
    this.#hashKey = deriveHashKey(options.deidKey);
  }

  /** `pipeline` with its input and output hashed while the upload streams through. */
  tap(pipeline: ChunkTransform): HashTap {
    return new HashTap(pipeline, this.#hashKey);
  }

  /** Stores the record of a finished upload (ok: with hashes and the job's audit). */
  async saveDone(id: string, path: string, output: string, tap: HashTap, job: FileJob) {
    const evidence = fileEvidence(tap, this.#hashKey, job.audit());
    await this.#save(id, path, { status: "ok", output, evidence });
  }

  /** Stores the record of an upload that was refused, held back or failed. */
  async saveRefused(
    id: string,
    path: string,
    file: Pick<BatchFile, "status" | "error">,
    err: unknown,
  ) {
    await this.#save(id, path, refusedOutcome(file, err));
  }

  /** The batch's manifest as a byte stream; `files` must all be settled (none processing). */
  async stream(meta: BatchMeta, files: BatchFile[], version: string) {
    const key = await (this.#signingKey ??= this.#loadKey());
    const params = parseAnonymizeParams(new URLSearchParams(meta.params));
    const deid = deidentifierFor(params, this.#o.deidKey);
    const chain = new ManifestChain();
    const tally = new ManifestTally();
    const header = headerBody({
      created: new Date(),
      tool: "deid",
      version,
      profile: deid.profile,
      keepPrivateTags: params.keepPrivateTags ?? false,
      pseudonyms: params.pseudonyms,
      userRules: userRulesOf(params.rules ?? []),
      keyId: keyFingerprint(this.#o.deidKey),
      hashKeyId: hashKeyId(this.#hashKey),
      signingKey: { publicKey: key.publicKey, id: key.id },
    });
    const ordered = files.filter((f) => f.status !== "processing").toSorted((a, b) =>
      a.updatedAt - b.updatedAt || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
    );
    const lines = async function* (self: BatchManifests) {
      yield chain.next("header", header);
      for (const f of ordered) {
        const outcome = await self.#outcome(meta.id, f);
        tally.add(outcome);
        yield chain.next("file", fileBody(outcome));
      }
      yield chain.next("summary", tally.body());
      yield chain.signature(key.privateKey, key.id);
    };
    const encoder = new TextEncoder();
    return ReadableStream.from(lines(this)).pipeThrough(
      new TransformStream<string, Uint8Array>({
        transform: (line, c) => c.enqueue(encoder.encode(line + "\n")),
      }),
    );
  }

  #loadKey(): Promise<SigningKey> {
    const p = loadOrCreateSigningKey(join(this.#o.dataDir, SIGNING_KEY_FILE));
    p.catch(() => (this.#signingKey = undefined)); // a failed load is retried next time
    return p;
  }

  /** The stored record, reconciled with the KV status (KV wins: a sweep may have failed it). */
  async #outcome(id: string, f: BatchFile): Promise<FileOutcome> {
    const stored = await this.#read(id, f.path);
    if (f.status === "done") {
      return stored?.status === "ok" ? stored : { status: "ok", output: f.outputPath ?? f.path };
    }
    const expected = refusedOutcome(f, undefined);
    return stored?.status === expected.status ? stored : expected;
  }

  #recordPath(id: string, path: string): string {
    return join(this.#o.batchDir(id), "manifest", `${hmacHex(this.#hashKey, path)}.json`);
  }

  async #save(id: string, path: string, outcome: FileOutcome): Promise<void> {
    const target = this.#recordPath(id, path);
    const dir = join(this.#o.batchDir(id), "manifest");
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${crypto.randomUUID()}.tmp`);
    try {
      await Deno.writeTextFile(tmp, JSON.stringify(outcome), { createNew: true, mode: 0o600 });
      await Deno.rename(tmp, target);
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
  }

  async #read(id: string, path: string): Promise<FileOutcome | undefined> {
    try {
      return JSON.parse(await Deno.readTextFile(this.#recordPath(id, path)));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
  }
}

/** The manifest status of an upload that was not stored (`err` when known, else the record's). */
function refusedOutcome(f: Pick<BatchFile, "status" | "error">, err: unknown): FileOutcome {
  const reason = f.error?.message ?? "unknown";
  if (f.status === "failed") return { status: "failed", reason };
  if (f.status === "held-back") return { status: "held-back", reason };
  const dicomdir = err instanceof DeidSkipError
    ? err.reason === "dicomdir"
    : reason.startsWith("DICOMDIR");
  if (dicomdir) return { status: "dicomdir" };
  return reason.startsWith("Not DICOM") ? { status: "not-dicom" } : { status: "held-back", reason };
}
