/**
 * The one mapping from errors to HTTP answers, for both the raw streaming route and Hono.
 * Bodies name the tag and offset of a DICOM problem but never a value (the error classes
 * guarantee their messages carry none); unknown errors become a bare 500.
 */
import type { IncomingMessage } from "node:http";
import { HTTPException } from "hono/http-exception";
import { DicomParseError } from "../../core/dicom/errors.ts";
import { formatTag } from "../../core/dicom/tag.ts";
import { DeidPolicyError, DeidSkipError, DeidValueError } from "../../core/deid/mod.ts";
import { UnsafePathError, UploadTooLargeError } from "../../core/limits/errors.ts";
import { ZipFormatError } from "../../core/archive/errors.ts";

/** A JSON error body. */
export interface ErrorBody {
  error: string;
  tag?: string;
  offset?: number;
  reason?: string;
}

/** Status and body for an error. */
export interface HttpError {
  readonly status: number;
  readonly body: ErrorBody;
  /** True when the error is the client's (4xx): logged at info, not error. */
  readonly expected: boolean;
}

/** Maps an error to its HTTP status and JSON body. */
export function httpErrorOf(err: unknown): HttpError {
  const e = (status: number, body: ErrorBody): HttpError => ({
    status,
    body,
    expected: status < 500,
  });
  if (err instanceof DicomParseError) {
    // "Not DICOM" means the bytes are some other format: the media type is wrong.
    const status = err.message.startsWith("Not DICOM") ? 415 : 422;
    return e(status, withTag(err.message, err.tag, err.offset));
  }
  if (err instanceof DeidValueError) return e(422, withTag(err.message, err.tag, err.offset));
  if (err instanceof DeidSkipError) return e(422, { error: err.message, reason: err.reason });
  if (err instanceof DeidPolicyError) return e(400, { error: err.message });
  if (err instanceof ZipFormatError) return e(422, { error: err.message });
  if (err instanceof UploadTooLargeError) return e(413, { error: err.message });
  if (err instanceof UnsafePathError) return e(400, { error: err.message });
  if (err instanceof RangeError) return e(400, { error: err.message });
  if (err instanceof HTTPException) return e(err.status, { error: err.message || "Error" });
  // RFC 4918 §11.5; still logged as an error (not `expected`), since an operator must act.
  if (isDiskFull(err)) return e(507, { error: "The server's disk is full; nothing was stored" });
  return e(500, { error: "Internal server error" });
}

/**
 * True when the client went away before its request body ended: the error a handler sees is
 * then the aborted body, with nobody left to answer and nothing for an operator to fix.
 */
export function clientAborted(req: IncomingMessage): boolean {
  return req.destroyed && !req.complete;
}

/** ENOSPC (or EDQUOT) from a file write, as Deno and node:fs report it. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && (code === "ENOSPC" || code === "EDQUOT");
}

function withTag(message: string, tag: number | undefined, offset: number): ErrorBody {
  return tag === undefined
    ? { error: message, offset }
    : { error: message, tag: formatTag(tag), offset };
}

/** One line's worth of error facts for the log: class name and (safe) message. */
export function errorLogFields(err: unknown): Record<string, string> {
  if (!(err instanceof Error)) return { error: typeof err };
  return { error: err.name, detail: err.message.slice(0, 300) };
}
