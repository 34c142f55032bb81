/**
 * Text values as the DeidentifyStage reads and writes them: decoded with the character sets
 * in force at the element's level (Specific Character Set (0008,0005), PS3.5 §6.1) for
 * regexp and custom rules, and written back in those same sets, so a rule's result never
 * changes the dataset's declared encoding.
 */
import { decodeText, encodeText } from "../dicom/charset.ts";
import { formatTag, type Tag } from "../dicom/tag.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";
import type { Vr } from "../dicom/vr.ts";

/** The text of value `v` in `charsets`, trailing padding removed. */
export function decodeValue(v: Uint8Array, charsets: string[], vr: Vr): string {
  return trimPadding(decodeText(v, charsets, vr));
}

/**
 * `text` encoded in `charsets` for element `tag`. Characters those sets cannot write become
 * '?' (printable ASCII stays), and `note` is told which tag lost them (never the text).
 */
export function encodeValue(
  text: string,
  charsets: string[],
  tag: Tag,
  note: (text: string) => void,
): Uint8Array {
  const bytes = encodeText(text, charsets);
  if (bytes) return bytes;
  note(`${formatTag(tag)}: characters outside the dataset's character set replaced by '?'`);
  return new TextEncoder().encode(text.replace(/[^\x20-\x7e]/g, "?"));
}
