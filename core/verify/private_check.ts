/**
 * Private attributes in an output (PS3.5 §7.8): none may survive unless `keepPrivateTags`, a user
 * rule, or Retain Safe Private (PS3.15 Table E.3.10-1, the generated table) keeps it; a private
 * creator may stay only while an element of its block stays beside it.
 */
import { elementOf, groupOf, type Tag } from "../dicom/tag.ts";
import { SAFE_PRIVATE_ROWS } from "../deid/tables/safe_private.ts";
import { trimPad } from "./text.ts";

/** Why a private attribute may be in the output, or undefined when it may not. */
export type PrivateReason = "keepPrivateTags" | "user-rule" | "safe-private";

/** Settings that let private attributes through. */
export interface PrivatePolicy {
  readonly keepPrivateTags: boolean;
  /** Retain Safe Private selected (ps315-basic option). */
  readonly safePrivate: boolean;
  /** True when a user rule names the tag. */
  readonly exempt: (tag: Tag) => boolean;
}

/** Creator text as compared: padding and surrounding spaces are not significant (PS3.5 §6.2). */
function creatorKey(group: number, creator: string, low: number): string {
  return `${group}|${trimPad(creator, true)}|${low}`;
}

let safeKeys: Set<string> | undefined;

/** True when (group, creator, element low byte) is a row of Table E.3.10-1. */
export function isSafePrivate(group: number, creator: string, low: number): boolean {
  if (!safeKeys) {
    safeKeys = new Set();
    for (const [tag, rowCreator] of SAFE_PRIVATE_ROWS) {
      const m = /^\(([0-9A-Fa-f]{4}),[xX]{2}([0-9A-Fa-f]{2})\)$/.exec(tag);
      if (m) safeKeys.add(creatorKey(parseInt(m[1], 16), rowCreator, parseInt(m[2], 16)));
    }
  }
  return safeKeys.has(creatorKey(group, creator, low));
}

/** A private creator seen at one level, judged when the level ends. */
interface Creator {
  readonly tag: Tag;
  readonly offset: number;
  text: string;
}

/** The private creators and kept blocks of one dataset or item. */
export class PrivateLevel {
  readonly #creators = new Map<number, Creator>();
  readonly #keptBlocks = new Set<number>();

  /** Notes a creator element; its text arrives later through {@link setCreatorText}. */
  addCreator(tag: Tag, offset: number): void {
    this.#creators.set(blockKey(tag), { tag, offset, text: "" });
  }

  /** The creator's value, once gathered. */
  setCreatorText(tag: Tag, text: string): void {
    const c = this.#creators.get(blockKey(tag));
    if (c) c.text = text;
  }

  /** Judges a private data element; a kept one keeps its block's creator too. */
  judge(tag: Tag, policy: PrivatePolicy): PrivateReason | undefined {
    const reason = this.#reason(tag, policy);
    if (reason && elementOf(tag) >= 0x1000) this.#keptBlocks.add(dataBlockKey(tag));
    return reason;
  }

  #reason(tag: Tag, policy: PrivatePolicy): PrivateReason | undefined {
    if (policy.keepPrivateTags) return "keepPrivateTags";
    if (policy.exempt(tag)) return "user-rule";
    const e = elementOf(tag);
    if (!policy.safePrivate || e < 0x1000) return undefined;
    const creator = this.#creators.get(dataBlockKey(tag));
    return creator && isSafePrivate(groupOf(tag), creator.text, e & 0xff)
      ? "safe-private"
      : undefined;
  }

  /** Creators left without a kept element in their block: tag and offset of each. */
  orphanCreators(policy: PrivatePolicy): { tag: Tag; offset: number }[] {
    if (policy.keepPrivateTags) return [];
    return [...this.#creators.entries()]
      .filter(([key, c]) => !this.#keptBlocks.has(key) && !policy.exempt(c.tag))
      .map(([, c]) => ({ tag: c.tag, offset: c.offset }));
  }
}

/** Key of a creator (gggg,00bb): group and block number. */
function blockKey(tag: Tag): number {
  return groupOf(tag) * 256 + (elementOf(tag) & 0xff);
}

/** Key of the block a data element (gggg,bbee) belongs to. */
function dataBlockKey(tag: Tag): number {
  return groupOf(tag) * 256 + (elementOf(tag) >> 8);
}
