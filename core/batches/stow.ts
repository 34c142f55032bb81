/**
 * DICOMweb STOW-RS ingest (PS3.18 §10.5): each part of a Store Instances request is
 * anonymized into one batch as it arrives (BatchService.upload, the same path as a batch
 * upload), and the outcome of every part is kept for the Store Instances Response. Stored
 * instances are reported by the UIDs of the anonymized file, since that is what the batch
 * holds. A failed instance is never reported by its original SOP Instance UID (an identifier
 * of the patient's study): by its keyed mapping instead, or not at all when it was not read.
 */
import { mapUid } from "../deid/uid.ts";
import { UploadTooLargeError } from "../limits/errors.ts";
import { parseMediaType } from "../net/media_type.ts";
import type { RelatedPart } from "../net/multipart_parts.ts";
import { MultipartError, type PartHeaders } from "../net/multipart_related.ts";
import {
  InstanceUids,
  readInstanceUids,
  SOP_CLASS_UID,
  SOP_INSTANCE_UID,
  STUDY_INSTANCE_UID,
} from "./instance_uids.ts";
import type { BatchService } from "./service.ts";
import type { BatchMeta } from "./store.ts";

/** Failure Reason (0008,1197) values used, from PS3.18 Table I.2-2 (2026a). */
export const FAILURE = {
  /** A7xx Refused: out of resources (the part is over MAX_UPLOAD_BYTES, or the disk is full). */
  outOfResources: 0xa700,
  /** A9xx Error: data set does not match (the instance is not of the study in the path). */
  doesNotMatch: 0xa900,
  /** Cxxx Error: cannot understand (not DICOM, malformed DICOM, not application/dicom, cut off). */
  cannotUnderstand: 0xc000,
  /** 0122 Referenced SOP Class not supported (a DICOMDIR: Media Storage Directory Storage). */
  sopClassNotSupported: 0x0122,
  /** 0110 Processing failure: held back by the burned-in annotation guard (not stored as sent). */
  processingFailure: 0x0110,
} as const;

/** Warning Reason (0008,1196) B000 Coercion of Data Elements: de-identification changed it. */
export const WARNING_COERCED = 0xb000;

/** An instance stored in the batch, by the UIDs of its anonymized file. */
export interface StoredInstance {
  readonly part: number;
  /** Relative path in the batch (`00001.dcm`: the part's position). */
  readonly path: string;
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
}

/** A part that was not stored: SOP Class as sent, SOP Instance UID keyed (never the original). */
export interface FailedInstance {
  readonly part: number;
  readonly reason: number;
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
}

/** What one ingest needs. */
export interface StowIngestOptions {
  readonly batches: BatchService;
  readonly meta: BatchMeta;
  /** The de-identification key: failed instances are named by keyed UIDs. */
  readonly key: Uint8Array;
  /** The Study Instance UID of `/studies/{study}` (an original identifier: compared, never kept). */
  readonly study?: string;
}

/** The instance is not of the study the request path names (the message carries no UID). */
export class StudyMismatchError extends Error {
  /** The error for one instance. */
  constructor() {
    super("The instance does not belong to the study in the request path");
    this.name = "StudyMismatchError";
  }
}

/** Stores the parts of one STOW-RS request into one batch, recording every outcome. */
export class StowIngest {
  readonly stored: StoredInstance[] = [];
  readonly failed: FailedInstance[] = [];
  readonly #o: StowIngestOptions;

  /** An ingest into `options.meta`. */
  constructor(options: StowIngestOptions) {
    this.#o = options;
  }

  /**
   * Stores one part (reading its body to the end, or until it fails). A framing error of the
   * body (MultipartError) is recorded against this part and rethrown: the request ends there.
   */
  async store(part: RelatedPart): Promise<void> {
    const path = `${String(part.index).padStart(5, "0")}.dcm`;
    if (!isDicomPart(part.headers)) return this.#fail(part.index, FAILURE.cannotUnderstand);
    const uids = new InstanceUids();
    const declared = /^\d{1,15}$/.test(part.headers.get("content-length") ?? "")
      ? Number(part.headers.get("content-length"))
      : undefined;
    const { batches, meta } = this.#o;
    let file;
    try {
      file = await batches.upload(meta, path, this.#watched(part.body, uids), declared);
    } catch (err) {
      const unread = err instanceof StudyMismatchError && !uids.passed;
      const reason = unread ? FAILURE.cannotUnderstand : failureOf(err);
      if (reason === undefined) throw err;
      this.#fail(part.index, reason, uids);
      if (err instanceof MultipartError) throw err;
      return;
    }
    if (file.status !== "done") {
      const dicomdir = file.status === "rejected" && !file.error?.message.startsWith("Not DICOM");
      const reason = file.status === "held-back"
        ? FAILURE.processingFailure
        : dicomdir
        ? FAILURE.sopClassNotSupported
        : FAILURE.cannotUnderstand;
      return this.#fail(part.index, reason, uids);
    }
    const out = await readInstanceUids(batches.disk.filePath(meta.id, path));
    this.stored.push({
      part: part.index,
      path,
      sopClassUid: out.get(SOP_CLASS_UID),
      sopInstanceUid: out.get(SOP_INSTANCE_UID),
    });
  }

  /**
   * The body, with its top-level UIDs read on the side; with a study in the path, an instance
   * of another study (or of none) fails before the chunk that proves it reaches the batch.
   */
  async *#watched(body: AsyncIterable<Uint8Array>, uids: InstanceUids) {
    const study = this.#o.study;
    const mismatch = () => {
      const seen = uids.get(STUDY_INSTANCE_UID);
      return seen !== undefined ? seen !== study : uids.passed;
    };
    for await (const chunk of body) {
      uids.push(chunk);
      if (study !== undefined && mismatch()) throw new StudyMismatchError();
      yield chunk;
    }
    uids.finish();
    // Unread (the side parser failed): refused too, as "cannot understand" (see store()).
    if (study !== undefined && uids.get(STUDY_INSTANCE_UID) !== study) {
      throw new StudyMismatchError();
    }
  }

  #fail(part: number, reason: number, uids?: InstanceUids): void {
    const sopInstance = uids?.get(SOP_INSTANCE_UID);
    this.failed.push({
      part,
      reason,
      sopClassUid: uids?.get(SOP_CLASS_UID) || undefined,
      sopInstanceUid: sopInstance ? mapUid(sopInstance, this.#o.key) : undefined,
    });
  }
}

/** True for `Content-Type: application/dicom` sent as binary (PS3.18 §8.7.3.1). */
function isDicomPart(headers: PartHeaders): boolean {
  const type = parseMediaType(headers.get("content-type"));
  const encoding = (headers.get("content-transfer-encoding") ?? "binary").toLowerCase();
  return type?.essence === "application/dicom" && ["binary", "8bit", "7bit"].includes(encoding);
}

/** The Failure Reason of an error that fails one part; undefined for errors that fail the request. */
function failureOf(err: unknown): number | undefined {
  if (err instanceof StudyMismatchError) return FAILURE.doesNotMatch;
  if (err instanceof UploadTooLargeError) return FAILURE.outOfResources;
  if (err instanceof MultipartError) return FAILURE.cannotUnderstand;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && (code === "ENOSPC" || code === "EDQUOT")) {
    return FAILURE.outOfResources;
  }
  return undefined;
}
