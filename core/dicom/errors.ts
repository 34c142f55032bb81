import { formatTag, type Tag } from "./tag.ts";

/**
 * The input is not well-formed DICOM. Carries the byte offset (and tag, when known) of the
 * problem; the message never includes a value, so it is safe to log.
 */
export class DicomParseError extends SyntaxError {
  /** Byte offset in the input (inflated stream for deflated transfer syntaxes). */
  readonly offset: number;
  /** The element being read, when known. */
  readonly tag?: Tag;

  constructor(message: string, offset: number, tag?: Tag) {
    const where = `at offset 0x${offset.toString(16).toUpperCase()}`;
    super(tag === undefined ? `${message} ${where}` : `${message} ${where} in ${formatTag(tag)}`);
    this.name = "DicomParseError";
    this.offset = offset;
    this.tag = tag;
  }
}
