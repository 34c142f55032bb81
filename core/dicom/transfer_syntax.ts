import type { Encoding } from "./events.ts";

/** Implicit VR Little Endian, the default transfer syntax (PS3.5 §A.1). */
export const IMPLICIT_VR_LE = "1.2.840.10008.1.2";
/** Explicit VR Little Endian (PS3.5 §A.2). */
export const EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";
/** Deflated Explicit VR Little Endian (PS3.5 §A.5). */
export const DEFLATED_EXPLICIT_VR_LE = "1.2.840.10008.1.2.1.99";
/** Explicit VR Big Endian, retired but still found in archives (PS3.5 §A.3). */
export const EXPLICIT_VR_BE = "1.2.840.10008.1.2.2";

/**
 * The wire encoding a transfer syntax implies. Every syntax not listed above (JPEG, JPEG-LS,
 * JPEG 2000, HTJ2K, RLE, MPEG, deflated image frame, …) is Explicit VR Little Endian with
 * encapsulated Pixel Data (PS3.5 §A.4), which the parser handles by its undefined length.
 */
export function encodingOf(transferSyntax: string): Encoding {
  switch (transferSyntax) {
    case IMPLICIT_VR_LE:
      return { transferSyntax, explicitVr: false, littleEndian: true, deflated: false };
    case EXPLICIT_VR_BE:
      return { transferSyntax, explicitVr: true, littleEndian: false, deflated: false };
    case DEFLATED_EXPLICIT_VR_LE:
      return { transferSyntax, explicitVr: true, littleEndian: true, deflated: true };
    default:
      return { transferSyntax, explicitVr: true, littleEndian: true, deflated: false };
  }
}

/** Strips the trailing NUL/space padding of a UI value (PS3.5 §6.2). */
export function trimUid(raw: string): string {
  return trimPadding(raw);
}

/**
 * Strips trailing NULs and spaces (the pad bytes of PS3.5 §6.2), and leading ones too with
 * `leading`. A loop on purpose: `/[\0 ]+$/` is quadratic on a long run of padding followed by
 * another character (fuzzing: a 64 KiB value took 4.5 s, a 1 MiB one would take minutes).
 */
export function trimPadding(raw: string, leading = false): string {
  const pad = (c: number) => c === 0x00 || c === 0x20;
  let end = raw.length;
  while (end > 0 && pad(raw.charCodeAt(end - 1))) end--;
  let start = 0;
  while (leading && start < end && pad(raw.charCodeAt(start))) start++;
  return raw.slice(start, end);
}
