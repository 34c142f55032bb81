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
