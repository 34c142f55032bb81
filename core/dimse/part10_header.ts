/**
 * Reads what a C-STORE SCU needs from a stored Part 10 file (PS3.10 §7.1): SOP Class and
 * Instance UIDs, transfer syntax, and where the dataset starts. The outputs of this program
 * always have a preamble, `DICM` and a File Meta group headed by its group length.
 */
import { hasLongLength, isVr } from "../dicom/vr.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";

/** The File Meta facts of one file. */
export interface Part10Header {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntax: string;
  /** Byte offset of the dataset (after the File Meta group). */
  readonly datasetOffset: number;
}

const MAX_META = 64 * 1024;

/** Reads the File Meta of an open file; throws TypeError when it is not Part 10. */
export async function readPart10Header(file: Deno.FsFile): Promise<Part10Header> {
  const head = await readExactly(file, 0, 144);
  const view = new DataView(head.buffer);
  const dicm = new TextDecoder().decode(head.subarray(128, 132));
  if (dicm !== "DICM" || view.getUint32(132, true) !== 0x00000002 || head[136] !== 0x55) {
    throw new TypeError("not a Part 10 file with a File Meta group length");
  }
  const length = view.getUint32(140, true);
  if (length > MAX_META) throw new TypeError("File Meta group over 64 KiB");
  const meta = await readExactly(file, 144, length);
  const m = new DataView(meta.buffer);
  const uids = new Map<number, string>();
  let at = 0;
  while (at + 8 <= meta.length) {
    const element = m.getUint16(at + 2, true);
    const vr = String.fromCharCode(meta[at + 4], meta[at + 5]);
    const long = isVr(vr) && hasLongLength(vr); // PS3.5 §7.1.2
    const len = long ? m.getUint32(at + 8, true) : m.getUint16(at + 6, true);
    const start = at + (long ? 12 : 8);
    if (start + len > meta.length) throw new TypeError("File Meta element overruns its group");
    uids.set(
      element,
      trimPadding(new TextDecoder("latin1").decode(meta.subarray(start, start + len))),
    );
    at = start + len;
  }
  const [sopClassUid, sopInstanceUid, transferSyntax] = [2, 3, 0x10].map((e) => uids.get(e));
  if (!sopClassUid || !sopInstanceUid || !transferSyntax) {
    throw new TypeError("File Meta lacks (0002,0002), (0002,0003) or (0002,0010)");
  }
  return { sopClassUid, sopInstanceUid, transferSyntax, datasetOffset: 144 + length };
}

async function readExactly(file: Deno.FsFile, offset: number, n: number): Promise<Uint8Array> {
  await file.seek(offset, Deno.SeekMode.Start);
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await file.read(out.subarray(got));
    if (r === null) throw new TypeError("file ends inside its File Meta");
    got += r;
  }
  return out;
}
