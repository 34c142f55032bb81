import { EXPLICIT_VR_LE, IMPLICIT_VR_LE } from "./transfer_syntax.ts";
import { explicitVrAt, readU16 } from "./header.ts";

/**
 * Tells whether bytes can start a DICOM stream that has no `DICM` prefix, and how it is
 * encoded. The rule: the first element must be in group 0002 (File Meta, always Explicit VR
 * LE) or group 0008 (the first group of every composite IOD, PS3.3); then, if bytes 4–5 are
 * a VR code, the encoding is Explicit VR Little Endian, else Implicit VR Little Endian.
 * Big-endian data without File Meta is not recognized (no such writer is known).
 * With `anyGroup` (the stream already proved itself DICOM by its `DICM` prefix or File Meta)
 * the group is not checked, only the VR bytes. Returns the transfer syntax UID, or
 * undefined when the bytes do not look like DICOM.
 */
export function detectDatasetStart(head: Uint8Array, anyGroup = false): string | undefined {
  if (head.length < 8) return undefined;
  const group = readU16(head, 0, true);
  if (!anyGroup && group !== 0x0002 && group !== 0x0008) return undefined;
  if (explicitVrAt(head, 4) !== undefined) return EXPLICIT_VR_LE;
  if (group === 0x0002 && !anyGroup) return undefined; // File Meta is never implicit
  return IMPLICIT_VR_LE;
}
