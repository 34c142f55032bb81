/**
 * Readers that share no code with ours, for checking our output: pydicom (element trees),
 * DCMTK dcmdump (parse errors) and dicom3tools dciodvfy (IOD conformance).
 * Needs /usr/bin/python3 with python3-pydicom 2.3.x, dcmdump and dciodvfy on PATH.
 */
import { fileURLToPath } from "node:url";

/** One element of a pydicom tree; values are raw bytes in the file's own byte order. */
export type TreeElement =
  /** Value of at most 4 KiB, as lowercase hex. */
  | { tag: string; vr: string; length: number; hex: string }
  /** Longer value, as the SHA-256 of its bytes. */
  | { tag: string; vr: string; length: number; sha256: string }
  /** Encapsulated Pixel Data: SHA-256 of the Basic Offset Table item, then of each fragment. */
  | { tag: string; vr: string; fragments: string[] }
  /** Sequence: each item is its list of elements. */
  | { tag: string; vr: string; items: TreeElement[][] };

/** What pydicom sees in a file, normalized for comparing two files that hold the same data. */
export interface DicomTree {
  /** (0002,0010), or null without File Meta Information. */
  transferSyntaxUid: string | null;
  /** Dataset elements in tag order, without group lengths (gggg,0000) and (FFFE,xxxx). */
  elements: TreeElement[];
}

/** Result of dcmdump on one file. */
export interface DcmdumpResult {
  /** Exit status 0 and no E:/F: line. */
  ok: boolean;
  /** The E: and F: lines. */
  errors: string[];
  /** The W: lines (not failures: many real files have some). */
  warnings: string[];
}

const PYTHON = "/usr/bin/python3";
const TREE_SCRIPT = fileURLToPath(new URL("./pydicom_tree.py", import.meta.url));

/** The pydicom tree of one file (`dcmread(force=True)`, nothing deferred). */
export async function readTreeWithPydicom(path: string): Promise<DicomTree> {
  return JSON.parse(await run(PYTHON, [TREE_SCRIPT, path])) as DicomTree;
}

/** Trees of many files in one python process (pydicom's import dominates a single run). */
export async function readTreesWithPydicom(
  paths: string[],
): Promise<Map<string, DicomTree | Error>> {
  const out = JSON.parse(await run(PYTHON, [TREE_SCRIPT, "--batch", ...paths])) as Record<
    string,
    DicomTree | { error: string }
  >;
  const trees = new Map<string, DicomTree | Error>();
  for (const path of paths) {
    const tree = out[path];
    trees.set(path, "error" in tree ? new Error(`pydicom: ${path}: ${tree.error}`) : tree);
  }
  return trees;
}

/** Run `dcmdump -M FILE` (long values not loaded) and sort its diagnostics by severity. */
export async function dcmdumpCheck(path: string): Promise<DcmdumpResult> {
  const { code, stderr } = await new Deno.Command("dcmdump", {
    args: ["-M", path],
    stdout: "null",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(stderr).split("\n");
  const errors = lines.filter((line) => /^[EF]: /.test(line));
  const warnings = lines.filter((line) => line.startsWith("W: "));
  return { ok: code === 0 && errors.length === 0, errors, warnings };
}

/** The `Error` lines of dicom3tools `dciodvfy FILE` (it reports on stderr). */
export async function dciodvfyErrors(path: string): Promise<string[]> {
  const { stdout, stderr } = await new Deno.Command("dciodvfy", {
    args: [path],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  return text.split("\n").filter((line) => line.startsWith("Error"));
}

async function run(cmd: string, args: string[]): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    const detail = new TextDecoder().decode(stderr).trim().split("\n").at(-1);
    throw new Error(`${cmd} ${args[0]} exited ${code}: ${detail}`);
  }
  return new TextDecoder().decode(stdout);
}
