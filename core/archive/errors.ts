/** Errors of archive handling, mapped to HTTP statuses by routes/_middleware/errors.ts. */

/**
 * An upload declared as ZIP that zip.js cannot read (no central directory, bad signature,
 * ambiguous structure). The message is zip.js's generic text; entry names are never quoted.
 */
export class ZipFormatError extends SyntaxError {
  /** Wraps zip.js's error, keeping only its fixed message. */
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message.split(/[:(\n]/)[0].trim() : "unknown";
    super(`Not a readable ZIP archive: ${detail}`);
    this.name = "ZipFormatError";
  }
}
