/**
 * The four attributes that `--pseudonyms` replaces (at the top level of a dataset), their VRs
 * and length limits (PS3.5 Table 6.2-1), and the per-file lookup the engine calls.
 */
import type { Tag } from "../dicom/tag.ts";

/** Per attribute: tag, VR, the most characters a value may have, and the hash mode's length. */
export const PSEUDONYM_ATTRIBUTES = {
  PatientName: { tag: 0x00100010, vr: "PN", maxLength: 64, hashLength: 32 },
  PatientID: { tag: 0x00100020, vr: "LO", maxLength: 64, hashLength: 32 },
  AccessionNumber: { tag: 0x00080050, vr: "SH", maxLength: 16, hashLength: 16 },
  StudyID: { tag: 0x00200010, vr: "SH", maxLength: 16, hashLength: 16 },
} as const;

/** One of the four attributes, by keyword. */
export type PseudonymAttribute = keyof typeof PSEUDONYM_ATTRIBUTES;

/** Every attribute keyword, in a fixed order (CSV rows, tests). */
export const ATTRIBUTE_NAMES = Object.keys(PSEUDONYM_ATTRIBUTES) as PseudonymAttribute[];

/** `hash`: keyed HMAC, no state; `sequential`: PREFIX-000001… kept in Deno KV. */
export type PseudonymMode = "hash" | "sequential";

/** The modes `--pseudonyms` and `pseudonyms=` accept. */
export const PSEUDONYM_MODES: readonly PseudonymMode[] = ["hash", "sequential"];

/**
 * The pseudonym of one original value, or undefined when none is known (the engine then fails
 * the file rather than fall back silently). Originals are normalized (see {@link normalizeOriginal}).
 */
export type PseudonymLookup = (
  attribute: PseudonymAttribute,
  original: string,
) => string | undefined;

const BY_TAG = new Map<Tag, PseudonymAttribute>(
  ATTRIBUTE_NAMES.map((name) => [PSEUDONYM_ATTRIBUTES[name].tag, name]),
);

/** The attribute a tag stands for, or undefined for every other tag. */
export function attributeOfTag(tag: Tag): PseudonymAttribute | undefined {
  return BY_TAG.get(tag);
}

/**
 * The form of an original that is looked up: decoded text without the padding and the leading
 * and trailing spaces that PS3.5 §6.2 calls insignificant for these VRs, so "123 " and " 123"
 * are one patient (the date shift ignores the same padding).
 */
export function normalizeOriginal(text: string): string {
  return text.replace(/^[\0 ]+|[\0 ]+$/g, "");
}

/** True for a mode name. */
export function isPseudonymMode(value: string): value is PseudonymMode {
  return (PSEUDONYM_MODES as readonly string[]).includes(value);
}
