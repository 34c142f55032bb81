/**
 * The messages that cross between the command, its worker pool and the workers: plain data
 * only (structured clone), so the same task runs in-process or in a Web Worker.
 */
import type { FileReport, PixelRule, UserRule } from "../core/deid/mod.ts";
import type { FileEvidence } from "../core/manifest/mod.ts";
import type { PseudonymMode } from "../core/pseudonyms/attributes.ts";
import type { PseudonymPairs } from "../core/pseudonyms/sequential.ts";

/** A de-identification configuration that survives `postMessage` (rules are plain objects). */
export interface SerialConfig {
  profile?: string;
  options?: string[];
  rules?: UserRule[];
  keepPrivateTags?: boolean;
  key: Uint8Array;
  /** `--pseudonyms`: the mode (sequential tasks carry their resolved pairs). */
  pseudonyms?: PseudonymMode;
  /** Clean Pixel Data rules, validated by the main thread (plain data). */
  pixelRules?: PixelRule[];
  allowBurnedIn?: boolean;
}

/** Where one input comes from: a file on disk or an entry of a ZIP archive. */
export type TaskSource =
  | { kind: "file"; path: string }
  | { kind: "zip"; zip: string; entry: string; compressedSize: number };

/**
 * Where one output goes: a folder (written to `partial`, then renamed to `name`, or to
 * `<new SOP Instance UID>.dcm` when `name` is null), a spool file that the caller adds to an
 * output ZIP, or nowhere (`--dry-run`).
 */
export type TaskOutput =
  | { kind: "dir"; dir: string; name: string | null; partial: string }
  | { kind: "spool"; partial: string }
  | { kind: "none" };

/** One input file to de-identify. */
export interface FileTask {
  id: number;
  source: TaskSource;
  /** Path relative to IN with `/` separators: names the file in every message and report. */
  rel: string;
  size: number;
  output: TaskOutput;
  /** `--rename uid`: name the output after its new SOP Instance UID. */
  renameUid: boolean;
  overwrite: boolean;
  copyNonDicom: boolean;
  /** `--manifest`: hash the bytes and keep the engine's audit for this file. */
  manifest?: boolean;
  /** `--pseudonyms sequential`: this file's originals and pseudonyms (cli/pseudonym_prepass.ts). */
  pseudonyms?: PseudonymPairs;
}

/**
 * What happened to a file: ok, skipped (not DICOM, or a DICOMDIR), held back (burned-in
 * annotation, or pixels a Clean Pixel Data rule covers but cannot clean) or failed.
 */
export type FileStatus = "ok" | "copied" | "not-dicom" | "dicomdir" | "held-back" | "failed";

/** The outcome of one task; messages name paths, tags and offsets only, never a value. */
export interface FileResult {
  id: number;
  rel: string;
  status: FileStatus;
  bytes: number;
  /** Output path relative to OUT (the new name under `--rename uid`). */
  output?: string;
  /** For spool outputs: the file holding the de-identified bytes. */
  spool?: string;
  report?: FileReport;
  error?: string;
  warnings?: string[];
  /** With `--manifest`, for ok and copied files: hashes and audit (no value, no raw UID). */
  evidence?: FileEvidence;
}

/** Messages from a worker (or the in-process runner) back to the pool. */
export type WorkerReply =
  | { type: "progress"; id: number; bytes: number }
  | { type: "done"; result: FileResult };

/**
 * What a worker posts: progress, or finished results in batches (one structured clone per
 * message costs more than de-identifying a small slice, so thousands of files share a few).
 */
export type WorkerMessage =
  | { type: "progress"; id: number; bytes: number }
  | { type: "results"; results: FileResult[] };

/** Messages from the pool to a worker. */
export type WorkerRequest =
  | { type: "init"; config: SerialConfig; reportTags: boolean }
  | { type: "tasks"; tasks: FileTask[] };
