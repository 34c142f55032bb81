/**
 * One output read once, as a stream: its SHA-256 and size, the `--phi-list` search over its raw
 * bytes, and (for DICOM) the codec's events through the {@link DatasetChecker}. Nothing but a
 * chunk and a few short values is held, whatever the file's size.
 */
import { createHash } from "node:crypto";
import { DicomParseError } from "../dicom/errors.ts";
import type { DicomEvent } from "../dicom/events.ts";
import { DicomParser } from "../dicom/parser.ts";
import { formatTag } from "../dicom/tag.ts";
import { hasLongLength, isVr } from "../dicom/vr.ts";
import { type CheckConfig, DatasetChecker } from "./dataset_checker.ts";
import type { Finding } from "./findings.ts";
import { PhiGrep } from "./phi_grep.ts";
import type { PhiPattern } from "./phi_patterns.ts";

/** How to read one output. */
export interface FileCheckOptions {
  /** Parse as DICOM and check attributes (false for files copied as non-DICOM). */
  readonly dicom: boolean;
  readonly config: CheckConfig;
  readonly phi: readonly PhiPattern[];
}

/** What reading one output found besides its findings. */
export interface FileOutcome {
  readonly sha256: string;
  readonly bytes: number;
  /** "ok": parsed to the end; "not-dicom": not DICOM at offset 0; "unreadable": broken later. */
  readonly dicom: "ok" | "not-dicom" | "unreadable" | "not-parsed";
  readonly uidsChecked: number;
  readonly uidsSkipped: number;
}

/** Reads one output from its chunks; findings go to `report`. */
export async function verifyFile(
  rel: string,
  chunks: AsyncIterable<Uint8Array>,
  options: FileCheckOptions,
  report: (f: Finding) => void,
): Promise<FileOutcome> {
  const hash = createHash("sha256");
  const phiHit = (inflated: boolean) => (_entry: number, offset: number) =>
    report({
      file: rel,
      offset,
      check: "phi-string",
      message: inflated
        ? "a --phi-list string in a value of the deflated dataset (inflated offset)"
        : "a --phi-list string",
    });
  const grep = new PhiGrep(options.phi, phiHit(false));
  const parse = options.dicom ? new ParsedFile(rel, options, report, phiHit(true)) : undefined;
  let bytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.length;
    grep.push(chunk);
    parse?.push(chunk);
  }
  grep.finish();
  parse?.finish();
  return {
    sha256: hash.digest("hex"),
    bytes,
    dicom: parse?.state ?? "not-parsed",
    uidsChecked: parse?.checker.uidsChecked ?? 0,
    uidsSkipped: parse?.checker.uidsSkipped ?? 0,
  };
}

/** The DICOM side of one file: parser, checker and, for deflated data, a search of its values. */
class ParsedFile {
  readonly checker: DatasetChecker;
  state: "ok" | "not-dicom" | "unreadable" = "ok";
  readonly #parser = new DicomParser();
  readonly #rel: string;
  readonly #report: (f: Finding) => void;
  readonly #valueGrep: PhiGrep;
  #deflated = false;
  #metaSeen = false;

  constructor(
    rel: string,
    options: FileCheckOptions,
    report: (f: Finding) => void,
    hit: (entry: number, offset: number) => void,
  ) {
    this.#rel = rel;
    this.#report = report;
    this.checker = new DatasetChecker(rel, options.config, report);
    this.#valueGrep = new PhiGrep(options.phi, hit);
  }

  push(chunk: Uint8Array): void {
    if (this.state !== "ok") return;
    this.#run(() => this.#parser.push(chunk));
  }

  finish(): void {
    if (this.state !== "ok") return;
    this.#run(() => this.#parser.finish());
    if (this.state !== "ok") return;
    this.checker.finish();
    this.#valueGrep.finish();
  }

  #run(step: () => DicomEvent[]): void {
    try {
      const events = step();
      this.checker.push(events);
      if (this.#deflated || !this.#metaSeen) this.#searchValues(events);
    } catch (err) {
      if (!(err instanceof DicomParseError)) throw err;
      const notDicom = err.offset === 0 && err.message.startsWith("Not DICOM");
      this.state = notDicom ? "not-dicom" : "unreadable";
      if (notDicom) return; // the caller decides whether a non-DICOM file is a finding
      // The codec's messages name offsets and tags, never values.
      const why = err.message.replace(/ at offset .*$/, "");
      this.#report({
        file: this.#rel,
        tag: err.tag === undefined ? undefined : formatTag(err.tag),
        offset: err.offset,
        check: "unreadable",
        message: `not readable to the end (${why}), so not fully checked`,
      });
    }
  }

  /**
   * Deflated datasets (PS3.5 §A.5) hide their text from the raw-byte search: their values are
   * searched after inflation, each value on its own, at inflated-stream offsets.
   */
  #searchValues(events: readonly DicomEvent[]): void {
    for (const ev of events) {
      if (ev.kind === "metaEnd") {
        this.#metaSeen = true;
        this.#deflated = ev.encoding.deflated;
      }
      if (!this.#deflated) continue;
      if (ev.kind === "element") {
        const long = isVr(ev.vr) && hasLongLength(ev.vr);
        this.#valueGrep.jump(ev.offset + (long ? 12 : 8));
      } else if (ev.kind === "fragment") this.#valueGrep.jump(ev.offset + 8);
      else if (ev.kind === "value") this.#valueGrep.push(ev.bytes);
    }
  }
}
