/**
 * Typed access to tests/fixtures/corpus/manifest.tsv, the provenance and characterisation of
 * the third-party corpus (column meanings: tests/fixtures/corpus/README.md).
 */
import { fileURLToPath } from "node:url";

/** Outcome of DCMTK `dcmdump` on a file, from the prefix of the manifest's dcmdump column. */
export type DcmdumpStatus = "ok" | "warn" | "error";

/** Outcome of pydicom 2.3.1 `dcmread` and reading every value, as recorded in the manifest. */
export type PydicomStatus = "ok" | "ok-with-warnings" | "force-only" | "attr-error";

/** One corpus file as described by manifest.tsv. */
export interface ManifestRow {
  file: string;
  sourceRepo: string;
  sourcePath: string;
  /** First 12 hex digits of the source commit. */
  sourceCommit: string;
  /** (0002,0010), or null when the file has no File Meta Information. */
  transferSyntaxUid: string | null;
  categories: string[];
  sizeBytes: number;
  /** First 16 hex digits of the file's SHA-256. */
  sha256Prefix: string;
  dcmdump: DcmdumpStatus;
  /** dcmdump's first warning or error, null when it read the file cleanly. */
  dcmdumpMessage: string | null;
  pydicom: PydicomStatus;
  /** Count of `Error` lines from dciodvfy, null for files it cannot read as DICOM at all. */
  dciodvfyErrors: number | null;
}

const CORPUS_DIR = new URL("../fixtures/corpus/", import.meta.url);

const COLUMNS = [
  "file",
  "source_repo",
  "source_path",
  "source_commit",
  "transfer_syntax_uid",
  "categories",
  "size_bytes",
  "sha256_16",
  "dcmdump",
  "pydicom_2.3.1_dcmread",
  "dciodvfy_errors",
];

const PYDICOM_STATUSES: readonly string[] = ["ok", "ok-with-warnings", "force-only", "attr-error"];

/** Absolute path of a corpus file, independent of the current working directory. */
export function corpusPath(file: string): string {
  return fileURLToPath(new URL(file, CORPUS_DIR));
}

/** Parse manifest.tsv; throws on an unexpected header or value so a changed manifest is noticed. */
export async function readManifest(): Promise<ManifestRow[]> {
  const text = await Deno.readTextFile(corpusPath("manifest.tsv"));
  const [header, ...lines] = text.split("\n").filter((line) => line !== "");
  if (header !== COLUMNS.join("\t")) {
    throw new SyntaxError(`manifest.tsv: unexpected header ${JSON.stringify(header)}`);
  }
  return lines.map((line, i) => parseRow(line.split("\t"), i + 2));
}

function parseRow(cells: string[], lineNo: number): ManifestRow {
  if (cells.length !== COLUMNS.length) {
    throw new SyntaxError(`manifest.tsv line ${lineNo}: ${cells.length} columns`);
  }
  const [file, repo, path, commit, ts, categories, size, sha, dcmdump, pydicom, dciodvfy] = cells;
  if (!PYDICOM_STATUSES.includes(pydicom)) {
    throw new SyntaxError(`manifest.tsv line ${lineNo}: pydicom status ${pydicom}`);
  }
  return {
    file,
    sourceRepo: repo,
    sourcePath: path,
    sourceCommit: commit,
    transferSyntaxUid: ts === "-" ? null : ts,
    categories: categories.split(","),
    sizeBytes: parseCount(size, lineNo),
    sha256Prefix: sha,
    ...parseDcmdump(dcmdump, lineNo),
    pydicom: pydicom as PydicomStatus,
    dciodvfyErrors: dciodvfy === "-" ? null : parseCount(dciodvfy, lineNo),
  };
}

function parseDcmdump(
  cell: string,
  lineNo: number,
): { dcmdump: DcmdumpStatus; dcmdumpMessage: string | null } {
  if (cell === "ok") return { dcmdump: "ok", dcmdumpMessage: null };
  const match = /^(warn|error): (.*)$/.exec(cell);
  if (!match) throw new SyntaxError(`manifest.tsv line ${lineNo}: dcmdump column ${cell}`);
  return { dcmdump: match[1] as DcmdumpStatus, dcmdumpMessage: match[2] };
}

function parseCount(cell: string, lineNo: number): number {
  if (!/^\d+$/.test(cell)) {
    throw new SyntaxError(`manifest.tsv line ${lineNo}: not a count ${cell}`);
  }
  return Number(cell);
}
