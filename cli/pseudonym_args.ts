/** Validation of `--pseudonyms MODE` and `--prefix SITE` (RangeError; args.ts makes it a usage error). */
import {
  isPseudonymMode,
  PSEUDONYM_MODES,
  type PseudonymMode,
} from "../core/pseudonyms/attributes.ts";
import { validatePrefix } from "../core/pseudonyms/sequence_names.ts";

/** The mode named by `--pseudonyms`. */
export function parsePseudonymMode(value: string): PseudonymMode {
  if (!isPseudonymMode(value)) {
    throw new RangeError(`--pseudonyms takes ${PSEUDONYM_MODES.join(" or ")}`);
  }
  return value;
}

/** `--prefix` belongs to, and is required by, `--pseudonyms sequential`. */
export function checkPseudonymArgs(mode: PseudonymMode | undefined, prefix: string | undefined) {
  if (prefix !== undefined && mode !== "sequential") {
    throw new RangeError("--prefix needs --pseudonyms sequential");
  }
  if (mode !== "sequential") return;
  if (prefix === undefined) throw new RangeError("--pseudonyms sequential needs --prefix SITE");
  try {
    validatePrefix(prefix);
  } catch (err) {
    throw new RangeError(`--prefix: ${(err as RangeError).message}`);
  }
}
