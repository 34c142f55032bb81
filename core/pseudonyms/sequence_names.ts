/**
 * The names of sequential pseudonyms: `PREFIX-000001`, … A prefix is 1–9 ASCII letters,
 * digits or `-`, starting with a letter or digit, so `PREFIX-000001` fits SH (16 characters)
 * and no pseudonym starts with a character a spreadsheet reads as a formula.
 */
import { PSEUDONYM_ATTRIBUTES, type PseudonymAttribute } from "./attributes.ts";

/** Longest prefix: 9 + "-" + 6 digits = 16, the SH limit (PS3.5 Table 6.2-1). */
export const MAX_PREFIX_LENGTH = 9;
/** Digits written at least (zero-padded); numbers past 999,999 get more where the VR allows. */
export const MIN_DIGITS = 6;
const PREFIX = /^[A-Za-z0-9][A-Za-z0-9-]{0,8}$/;
const PSEUDONYM = /^([A-Za-z0-9][A-Za-z0-9-]{0,8})-(\d{6,})$/;

/** Throws RangeError unless `prefix` is a valid sequence prefix. */
export function validatePrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) {
    throw new RangeError(
      `The pseudonym prefix must be 1 to ${MAX_PREFIX_LENGTH} ASCII letters, digits or "-", ` +
        "starting with a letter or digit",
    );
  }
}

/** `PREFIX-00000n`; RangeError when the result would not fit the attribute's VR. */
export function formatPseudonym(prefix: string, attribute: PseudonymAttribute, n: number): string {
  const text = `${prefix}-${String(n).padStart(MIN_DIGITS, "0")}`;
  if (text.length > PSEUDONYM_ATTRIBUTES[attribute].maxLength) {
    throw new RangeError(`The ${prefix} sequence of ${attribute} is full`);
  }
  return text;
}

/** Prefix and number of a sequential pseudonym, or undefined when it is not one. */
export function parsePseudonym(text: string): { prefix: string; n: number } | undefined {
  const m = PSEUDONYM.exec(text);
  if (!m) return undefined;
  const n = Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1) return undefined;
  // One spelling per number: "SITE-0000001" would be a second name for SITE-000001.
  if (String(n).padStart(MIN_DIGITS, "0") !== m[2]) return undefined;
  return { prefix: m[1], n };
}
