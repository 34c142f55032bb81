import { keywordOf } from "../dicom/dictionary.ts";
import { formatTag, type Tag } from "../dicom/tag.ts";
import type { FileReport } from "./engine.ts";

/** Collects the PHI-free per-file summary: counts of actions per tag, never a value. */
export class ReportBuilder {
  #effects: Record<string, number> = {};
  #tags = new Map<string, { tag: string; keyword?: string; action: string; count: number }>();
  sopInstanceUid: string | undefined;
  transferSyntax: string | undefined;
  /** Notes for the user (tag and reason only). */
  readonly notes: string[] = [];

  /** Records that `action` was applied to an element with `tag`. */
  record(tag: Tag, action: string): void {
    this.#effects[action] = (this.#effects[action] ?? 0) + 1;
    const key = `${tag}:${action}`;
    const entry = this.#tags.get(key);
    if (entry) entry.count++;
    else {
      const keyword = keywordOf(tag);
      this.#tags.set(key, {
        tag: formatTag(tag),
        ...(keyword ? { keyword } : {}),
        action,
        count: 1,
      });
    }
  }

  /** Adds a note (e.g. "(0009,1010): unparsed sequence removed"); never put a value here. */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** The finished report. */
  build(): FileReport {
    const tags = [...this.#tags.values()].sort((a, b) =>
      a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : a.action.localeCompare(b.action)
    );
    return {
      actions: { ...this.#effects },
      tags,
      ...(this.sopInstanceUid ? { sopInstanceUid: this.sopInstanceUid } : {}),
      ...(this.transferSyntax ? { transferSyntax: this.transferSyntax } : {}),
      ...(this.notes.length ? { notes: [...this.notes] } : {}),
    };
  }
}
