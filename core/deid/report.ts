import { keywordOf } from "../dicom/dictionary.ts";
import { formatTag, type Tag } from "../dicom/tag.ts";
import type { FileReport } from "./engine.ts";

/**
 * Most (tag, action) rows a report keeps. Real files have a few hundred; a hostile one can name
 * millions of distinct private tags (fuzzing: 16 MB of them ran a 200 MB heap out of memory).
 */
export const MAX_REPORT_TAGS = 10_000;

/** Tag text and keyword per tag seen: a run formats the same few hundred tags for every file. */
const NAMES = new Map<Tag, { tag: string; keyword?: string }>();
const MAX_NAMES = 100_000;

function namesOf(tag: Tag): { tag: string; keyword?: string } {
  let names = NAMES.get(tag);
  if (!names) {
    const keyword = keywordOf(tag);
    names = { tag: formatTag(tag), ...(keyword ? { keyword } : {}) };
    if (NAMES.size < MAX_NAMES) NAMES.set(tag, names);
  }
  return names;
}

/** Collects the PHI-free per-file summary: counts of actions per tag, never a value. */
export class ReportBuilder {
  /** Counts per tag, then per action: numbers and short strings only on the hot path. */
  #counts = new Map<Tag, Map<string, number>>();
  /** Totals per action, over every tag. */
  #actions: Record<string, number> = {};
  sopInstanceUid: string | undefined;
  transferSyntax: string | undefined;
  /** Notes for the user (tag and reason only). */
  readonly notes: string[] = [];

  /** Records that `action` was applied to an element with `tag`. */
  record(tag: Tag, action: string): void {
    this.#actions[action] = (this.#actions[action] ?? 0) + 1;
    let byAction = this.#counts.get(tag);
    if (!byAction) {
      if (this.#counts.size >= MAX_REPORT_TAGS) {
        this.note(`More than ${MAX_REPORT_TAGS} distinct tags: the per-tag counts list the first`);
        return;
      }
      this.#counts.set(tag, byAction = new Map());
    }
    byAction.set(action, (byAction.get(action) ?? 0) + 1);
  }

  /** Adds a note (e.g. "(0009,1010): unparsed sequence removed"); never put a value here. */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** The finished report; without `withTags`, `tags` is empty. */
  build(withTags = true): FileReport {
    const tags: { tag: string; keyword?: string; action: string; count: number }[] = [];
    for (const tag of withTags ? [...this.#counts.keys()].sort((a, b) => a - b) : []) {
      const names = namesOf(tag);
      for (const [action, count] of [...this.#counts.get(tag)!].sort()) {
        tags.push({ ...names, action, count });
      }
    }
    return {
      actions: { ...this.#actions },
      tags,
      ...(this.sopInstanceUid ? { sopInstanceUid: this.sopInstanceUid } : {}),
      ...(this.transferSyntax ? { transferSyntax: this.transferSyntax } : {}),
      ...(this.notes.length ? { notes: [...this.notes] } : {}),
    };
  }
}
