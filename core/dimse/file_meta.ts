/**
 * A DIMSE dataset arrives without File Meta Information (PS3.7 §6.3.1: the dataset alone, in
 * the presentation context's transfer syntax). Putting a preamble, `DICM` and a File Meta group
 * built from the context and the C-STORE-RQ in front makes it a Part 10 stream (PS3.10 §7.1),
 * which the de-identification pipeline reads like any uploaded file (and rewrites itself).
 */
import { FileMeta } from "../dicom/file_meta.ts";

/** Media Storage SOP Class UID, Media Storage SOP Instance UID (PS3.10 §7.1). */
const MEDIA_SOP_CLASS = 0x00020002;
const MEDIA_SOP_INSTANCE = 0x00020003;

/** A UID as PS3.5 §9.1 allows it: digits and dots, at most 64 characters. */
export function isUid(uid: string): boolean {
  return /^[0-9.]{1,64}$/.test(uid);
}

/**
 * Preamble (128 zero bytes), `DICM` and File Meta for a dataset of `sopClassUid` /
 * `sopInstanceUid` encoded in `transferSyntax`. Throws TypeError on a value that is not a UID
 * (the UID is not quoted: an instance UID identifies a patient's image).
 */
export function part10Prefix(
  sopClassUid: string,
  sopInstanceUid: string,
  transferSyntax: string,
): Uint8Array {
  for (
    const [name, uid] of [["SOP Class", sopClassUid], ["SOP Instance", sopInstanceUid], [
      "Transfer Syntax",
      transferSyntax,
    ]]
  ) {
    if (!isUid(uid)) throw new TypeError(`${name} UID is not a valid UID`);
  }
  const meta = new FileMeta();
  meta.setUid(MEDIA_SOP_CLASS, sopClassUid);
  meta.setUid(MEDIA_SOP_INSTANCE, sopInstanceUid);
  meta.setTransferSyntax(transferSyntax);
  const group = meta.encode();
  const out = new Uint8Array(132 + group.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128); // "DICM"
  out.set(group, 132);
  return out;
}
