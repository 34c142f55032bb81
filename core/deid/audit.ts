/**
 * The engine's audit trail (opt-in: `Deidentifier.start({ audit: true })`): one entry per
 * element the engine acted on, with where it sits and why, for the compliance manifest
 * (docs/manifest.md). Tags, keywords, table rows and action names only; never a value.
 */
import { keywordOf } from "../dicom/dictionary.ts";
import type { DicomEvent } from "../dicom/events.ts";
import { formatTag, type Tag } from "../dicom/tag.ts";
import { LONGITUDINAL_TEMPORAL_MODIFIED, SYNTHETIC_OFFSET } from "./identity.ts";
import type { Decision } from "./policy.ts";

/** Most entries kept per file (docs/manifest.md); later ones are only counted. */
export const MAX_AUDIT_ACTIONS = 10_000;

/** One decision on one element: what was done and which rule required it. */
export interface AuditAction {
  /** "(0010,0010)". */
  readonly tag: string;
  /** The PS3.6 keyword; absent when the dictionary has none (private attributes). */
  readonly keyword?: string;
  /** Nesting path of the containing item, e.g. "(0008,1115)[0].(0008,114A)[2]"; "" at the top. */
  readonly path: string;
  /** The effect: keep delete empty dummy uid clean regexp value custom shift. */
  readonly action: string;
  /** profile, user, keepPrivateTags, safe-private, private, group, option or engine. */
  readonly source: string;
  /** Profile decisions only: the table row's tag pattern, e.g. "(50xx,xxxx)". */
  readonly row?: string;
  /** Profile decisions only: "basic", an option id, or "kitware:<group>". */
  readonly column?: string;
}

/** Everything the audit of one file holds (input UIDs in memory only, never logged). */
export interface FileAudit {
  /** In stream order, at most {@link MAX_AUDIT_ACTIONS}. */
  readonly actions: AuditAction[];
  /** Entries beyond the cap, counted only. */
  readonly truncated: number;
  /** Elements per effect, every entry counted (truncated ones too). */
  readonly counts: Record<string, number>;
  /** Distinct UID values of the input at any depth, sorted (see {@link AuditUidStage}). */
  readonly inputUids: string[];
  /** UID values not kept because the cap was reached. */
  readonly inputUidsTruncated: number;
}

/** The manifest's name for the source of an engine decision. */
function sourceOf(tag: Tag, decision: Decision): string {
  switch (decision.source) {
    case "illegal-group":
      return "group";
    case "replaced-by-engine":
      // (0028,0303) is replaced because a longitudinal-dates option is selected.
      return tag === LONGITUDINAL_TEMPORAL_MODIFIED ? "option" : "engine";
    case "default": // only a UN-encoded sequence, removed because it cannot be inspected
      return "engine";
    default:
      return decision.source;
  }
}

/** Collects a file's decisions as the DeidentifyStage takes them. */
export class AuditTrail {
  readonly #actions: AuditAction[] = [];
  readonly #counts: Record<string, number> = {};
  #truncated = 0;

  /** Records a policy decision; implicit default keeps are not recorded. */
  decision(tag: Tag, effect: string, decision: Decision, path: () => string): void {
    if (decision.source === "default" && effect === "keep") return;
    const row = decision.source === "profile" ? decision.row : undefined;
    this.#add(tag, effect, sourceOf(tag, decision), row, path);
  }

  /** Records what the engine does on its own (File Meta rewritten or removed). */
  engine(tag: Tag, effect: string): void {
    this.#add(tag, effect, "engine", undefined, () => "");
  }

  /** Records the top-level elements the engine inserts, from the events it emits. */
  inserted(events: readonly DicomEvent[]): void {
    let depth = 0;
    for (const e of events) {
      if (e.kind === "sequenceEnd") depth--;
      if ((e.kind === "element" || e.kind === "sequenceStart") && depth === 0) {
        if (e.offset === SYNTHETIC_OFFSET) {
          const source = e.tag === LONGITUDINAL_TEMPORAL_MODIFIED ? "option" : "engine";
          this.#add(e.tag, "value", source, undefined, () => "");
        }
      }
      if (e.kind === "sequenceStart") depth++;
    }
  }

  /** The finished audit, with the input UIDs a {@link AuditUidStage} collected. */
  build(uids: { values: string[]; truncated: number }): FileAudit {
    return {
      actions: [...this.#actions],
      truncated: this.#truncated,
      counts: { ...this.#counts },
      inputUids: uids.values,
      inputUidsTruncated: uids.truncated,
    };
  }

  #add(
    tag: Tag,
    action: string,
    source: string,
    row: { readonly row: string; readonly column: string } | undefined,
    path: () => string,
  ): void {
    this.#counts[action] = (this.#counts[action] ?? 0) + 1;
    if (this.#actions.length >= MAX_AUDIT_ACTIONS) {
      this.#truncated++;
      return;
    }
    // Built field by field (no spreads): thousands of entries per file, and the insertion
    // order is the documented key order.
    const entry: Record<string, string> = { tag: formatTag(tag) };
    const keyword = keywordOf(tag);
    if (keyword) entry.keyword = keyword;
    entry.path = path();
    entry.action = action;
    entry.source = source;
    if (row) {
      entry.row = row.row;
      entry.column = row.column;
    }
    this.#actions.push(entry as unknown as AuditAction);
  }
}
