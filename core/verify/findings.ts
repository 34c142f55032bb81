/**
 * What `verify` reports: one finding per problem, naming the file, tag and byte offset and never
 * a value, so a report can be shared with whoever runs the de-identification.
 */
import { formatTag, type Tag } from "../dicom/tag.ts";

/** The checks verify runs; each finding names one. */
export const CHECK_IDS = [
  "attribute-present",
  "attribute-not-empty",
  "uid-unchanged",
  "private-kept",
  "illegal-group",
  "file-meta",
  "preamble",
  "identity",
  "uninspectable",
  "unreadable",
  "not-dicom",
  "phi-string",
  "manifest-format",
  "manifest-chain",
  "manifest-signature",
  "manifest-summary",
  "manifest-key",
  "output-missing",
  "output-hash",
  "extra-file",
] as const;

/** One of {@link CHECK_IDS}. */
export type CheckId = typeof CHECK_IDS[number];

/** One problem found: where (file, tag, offset) and which check, never what value. */
export interface Finding {
  /** Path relative to OUT (or inside the output ZIP), or the manifest's name. */
  readonly file: string;
  /** `(GGGG,EEEE)`, when an element is concerned. */
  readonly tag?: string;
  /** Byte offset: of the element's header, of a string, or of a manifest line (its number). */
  readonly offset?: number;
  readonly check: CheckId;
  readonly message: string;
}

/** Findings kept in full; past this only the counts grow (a broken tree can have millions). */
export const MAX_LISTED_FINDINGS = 10_000;

/** Collects findings with totals per check, listing at most {@link MAX_LISTED_FINDINGS}. */
export class FindingList {
  readonly listed: Finding[] = [];
  readonly counts: Partial<Record<CheckId, number>> = {};
  #total = 0;

  /** Records a finding. */
  add(finding: Finding): void {
    this.#total++;
    this.counts[finding.check] = (this.counts[finding.check] ?? 0) + 1;
    if (this.listed.length < MAX_LISTED_FINDINGS) this.listed.push(finding);
  }

  /** All findings recorded, listed or not. */
  get total(): number {
    return this.#total;
  }
}

/** Builds a finding about an element: `tag` formatted, offset as found by the parser. */
export function elementFinding(
  file: string,
  check: CheckId,
  tag: Tag,
  offset: number | undefined,
  message: string,
): Finding {
  return { file, tag: formatTag(tag), offset, check, message };
}

/** A finding as one line of text: `file: (GGGG,EEEE) at 0x1A4: check: message`. */
export function formatFinding(f: Finding): string {
  const where = [
    f.tag,
    f.offset === undefined
      ? undefined
      : f.check.startsWith("manifest-")
      ? `line ${f.offset}`
      : `at 0x${f.offset.toString(16).toUpperCase()}`,
  ].filter((x) => x !== undefined).join(" ");
  return `${f.file}: ${where ? `${where}: ` : ""}${f.check}: ${f.message}`;
}
