/**
 * A de-identification policy that cannot be applied: an unknown profile or option, options the
 * profile does not have, or a malformed rule file. Messages name the bad setting and list the
 * valid ones; they never carry patient data.
 */
export class DeidPolicyError extends Error {
  /** Creates the error; `name` is set so logs and the HTTP error mapping can tell it apart. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeidPolicyError";
  }
}

/**
 * A file the engine deliberately does not de-identify (a DICOMDIR, whose anonymization is not
 * specified: regenerate it from the outputs instead). Callers report it and skip the file.
 */
export class DeidSkipError extends Error {
  /** Machine-readable reason, e.g. "dicomdir". */
  readonly reason: string;

  /** Creates the error with a reason code and a user-facing message. */
  constructor(reason: string, message: string) {
    super(message);
    this.name = "DeidSkipError";
    this.reason = reason;
  }
}

/** A value the engine must read whole (to map or clean it) is larger than it will gather. */
export class DeidValueError extends Error {
  /** Byte offset of the element in the input. */
  readonly offset: number;
  /** The element's tag. */
  readonly tag: number;

  /** Creates the error; the message names tag and offset only. */
  constructor(message: string, tag: number, offset: number) {
    super(message);
    this.name = "DeidValueError";
    this.tag = tag;
    this.offset = offset;
  }
}
