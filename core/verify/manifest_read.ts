/**
 * Reads a `deid-manifest/1` file (docs/manifest.md) on its own terms: every line parses, records
 * come in order (header, files, summary, signature), `seq` counts up and `prev` chains each
 * record to the SHA-256 of the line before. Only what the checks need is kept per record (output,
 * hash, size); input UID hashes go into one set for the whole run. Independent of the writer.
 */
import { type Finding } from "./findings.ts";
import { type ManifestLine, manifestLines } from "./manifest_lines.ts";
import { type ManifestHeader, readHeader } from "./manifest_header.ts";

const ZEROS = "0".repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;
const STATUSES = ["ok", "copied", "not-dicom", "dicomdir", "failed", "held-back"];

/** One `file` record, as far as verify uses it. */
export interface FileRecord {
  readonly line: number;
  readonly status: string;
  readonly output?: string;
  readonly outputSha256?: string;
  readonly outputBytes?: number;
}

/** The signature line's fields. */
export interface SignatureRecord {
  readonly line: number;
  readonly alg: unknown;
  readonly keyId: unknown;
  readonly head: unknown;
  readonly signature: unknown;
}

/** What a manifest says, after reading it whole. */
export interface ManifestData {
  header?: ManifestHeader;
  /** `ok`/`copied` records by output path. */
  readonly outputs: Map<string, FileRecord>;
  /** Every `inputUids` hash of every record. */
  readonly inputUids: Set<string>;
  /** UIDs the writer left out of `inputUids` (its per-file cap, `inputUidsTruncated`). */
  uidsTruncated: number;
  /** Count of file records per status. */
  readonly statuses: Record<string, number>;
  /** SHA-256 of the summary line (what the signature's `head` must be), once read. */
  summaryHash?: string;
  signature?: SignatureRecord;
}

/** Reads the manifest from its chunks; format and chain problems go to `report`. */
export async function readManifest(
  name: string,
  chunks: AsyncIterable<Uint8Array>,
  report: (f: Finding) => void,
): Promise<ManifestData> {
  const data: ManifestData = {
    outputs: new Map(),
    inputUids: new Set(),
    uidsTruncated: 0,
    statuses: {},
  };
  const bad = (line: number, check: Finding["check"], message: string) =>
    report({ file: name, offset: line, check, message });
  let prev: ManifestLine | undefined;
  let phase: "header" | "files" | "signature" | "done" = "header";
  for await (const line of manifestLines(chunks)) {
    if (!line.terminated) bad(line.number, "manifest-format", "the last line has no newline");
    const record = parseLine(line.text);
    if (!record) {
      bad(line.number, "manifest-format", "not a JSON object");
      prev = line;
      continue;
    }
    const type = record.type;
    if (phase === "done") bad(line.number, "manifest-format", "a line after the signature");
    if (type === "signature") {
      if (phase !== "signature") bad(line.number, "manifest-format", "signature before summary");
      data.signature = { line: line.number, ...pick(record) };
      phase = "done";
      continue;
    }
    checkChain(record, line, prev, bad);
    prev = line;
    if (type === "header") {
      if (phase !== "header") bad(line.number, "manifest-format", "a second header");
      data.header = readHeader(record, (m) => bad(line.number, "manifest-format", m));
      phase = "files";
    } else if (type === "file") {
      if (phase !== "files") bad(line.number, "manifest-format", "a file record out of place");
      readFile(record, line.number, data, bad);
    } else if (type === "summary") {
      if (phase !== "files") bad(line.number, "manifest-format", "a summary out of place");
      checkSummary(record, line.number, data, bad);
      data.summaryHash = line.sha256;
      phase = "signature";
    } else bad(line.number, "manifest-format", "unknown record type");
  }
  if (!data.header) bad(1, "manifest-format", "no header record");
  if (data.summaryHash === undefined) bad(0, "manifest-format", "no summary record");
  if (!data.signature) bad(0, "manifest-signature", "no signature line: the manifest is unsigned");
  return data;
}

function parseLine(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function pick(r: Record<string, unknown>) {
  return { alg: r.alg, keyId: r.keyId, head: r.head, signature: r.signature };
}

type Bad = (line: number, check: Finding["check"], message: string) => void;

/** `seq` counts 0, 1, 2 …; `prev` is the previous line's SHA-256 (64 zeros for the header). */
function checkChain(
  r: Record<string, unknown>,
  line: ManifestLine,
  prev: ManifestLine | undefined,
  bad: Bad,
): void {
  const expectedSeq = prev ? prev.number : 0; // the signature is last, so seq = line number - 1
  if (r.seq !== expectedSeq) bad(line.number, "manifest-chain", `seq is not ${expectedSeq}`);
  const expectedPrev = prev ? prev.sha256 : ZEROS;
  if (r.prev !== expectedPrev) {
    bad(line.number, "manifest-chain", "prev is not the SHA-256 of the line before");
  }
}

function readFile(r: Record<string, unknown>, line: number, data: ManifestData, bad: Bad): void {
  const status = typeof r.status === "string" && STATUSES.includes(r.status) ? r.status : "?";
  if (status === "?") bad(line, "manifest-format", "unknown status");
  data.statuses[status] = (data.statuses[status] ?? 0) + 1;
  for (const h of Array.isArray(r.inputUids) ? r.inputUids : []) {
    if (typeof h === "string" && HEX64.test(h)) data.inputUids.add(h);
    else bad(line, "manifest-format", "an inputUids entry is not a SHA-256 hex digest");
  }
  if (Number.isSafeInteger(r.inputUidsTruncated)) {
    data.uidsTruncated += r.inputUidsTruncated as number;
  }
  if (status !== "ok" && status !== "copied") return;
  const output = r.output, sha = r.outputSha256, bytes = r.outputBytes;
  if (typeof output !== "string" || !isRelative(output)) {
    return bad(line, "manifest-format", "output is not a relative path");
  }
  if (typeof sha !== "string" || !HEX64.test(sha)) bad(line, "manifest-format", "bad outputSha256");
  if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) {
    bad(line, "manifest-format", "bad outputBytes");
  }
  if (data.outputs.has(output)) bad(line, "manifest-format", "a second record for one output");
  data.outputs.set(output, {
    line,
    status,
    output,
    outputSha256: typeof sha === "string" ? sha : undefined,
    outputBytes: typeof bytes === "number" ? bytes : undefined,
  });
}

/** A path inside OUT: no leading `/`, no `..`, no empty parts, `/` separators. */
function isRelative(path: string): boolean {
  const parts = path.split("/");
  return path !== "" && !path.includes("\\") && !path.includes("\0") &&
    parts.every((p) => p !== "" && p !== "." && p !== "..");
}

function checkSummary(r: Record<string, unknown>, line: number, data: ManifestData, bad: Bad) {
  const files = r.files;
  if (typeof files !== "object" || files === null) {
    return bad(line, "manifest-format", "summary has no file counts");
  }
  const counts = files as Record<string, unknown>;
  for (const status of new Set([...STATUSES, ...Object.keys(data.statuses)])) {
    const said = counts[status] ?? 0, found = data.statuses[status] ?? 0;
    if (said !== found) {
      bad(line, "manifest-summary", `says ${said} "${status}" file(s), the records hold ${found}`);
    }
  }
}
