/**
 * Limit and naming errors of uploads. They extend RangeError (STYLE: RangeError for limits);
 * the one HTTP error mapping in routes/_middleware/ turns them into 413 and 400.
 */

/** A body, an archive's expanded content or a count went past its configured limit. */
export class UploadTooLargeError extends RangeError {
  /** The limit that was exceeded, in bytes (or entries, for counts). */
  readonly limit: number;

  /** `what` names the limit, e.g. "Upload" or "ZIP content"; no file names or values. */
  constructor(what: string, limit: number, unit = "bytes") {
    super(`${what} exceeds the limit of ${limit} ${unit}`);
    this.name = "UploadTooLargeError";
    this.limit = limit;
  }
}

/**
 * A client-supplied relative path (batch upload path, ZIP entry name) that is absolute,
 * climbs out with `..`, or uses characters that are unsafe on disk. The path is not quoted:
 * file names can carry patient names.
 */
export class UnsafePathError extends RangeError {
  /** `why` says what is wrong without quoting the path. */
  constructor(why: string) {
    super(`Unsafe path: ${why}`);
    this.name = "UnsafePathError";
  }
}
