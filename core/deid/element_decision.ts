/**
 * Which action applies to one element and what it does there: the engine's own rules (groups
 * that are never legal in a dataset, elements the engine writes itself) before the policy's
 * (user rules, profile, private attributes by their creator), and the effect that follows
 * for the element's VR. Pure functions, so the stage and the File Meta rewrite share them.
 */
import { groupOf, isPrivateTag, type Tag } from "../dicom/tag.ts";
import type { Vr } from "../dicom/vr.ts";
import { type Effect, effectOf } from "./actions.ts";
import type { Decision, DeidPolicy } from "./policy.ts";

/** Groups that are neither standard nor private (PS3.5 §7.1): always removed. */
const ILLEGAL_GROUPS = new Set([0x0001, 0x0003, 0x0005, 0x0007, 0xffff]);

/** Where private creators are looked up (the stage's LevelStack). */
export interface CreatorLookup {
  /** The creator of a private element's block at the current level (PS3.5 §7.8.1). */
  creatorOf(tag: Tag): string | undefined;
}

/**
 * The decision for dataset element (or sequence) `tag`; `engineWrites`: the engine writes
 * this tag itself (OwnElements.replaces).
 */
export function decideElement(
  tag: Tag,
  policy: DeidPolicy,
  engineWrites: boolean,
  creators: CreatorLookup,
): Decision {
  const group = groupOf(tag);
  // Group 0002 belongs to File Meta only. In the dataset (a damaged header ends File Meta
  // early) it carried the sender's names and UIDs past META_REMOVED, and a reader takes it
  // for File Meta again (fuzzing): remove it like the illegal groups.
  if (ILLEGAL_GROUPS.has(group) || group === 0x0002) {
    return { action: { name: "delete" }, source: "illegal-group" };
  }
  if (engineWrites) return { action: { name: "delete" }, source: "replaced-by-engine" };
  if (isPrivateTag(tag)) return policy.private(tag, creators.creatorOf(tag));
  return policy.standard(tag);
}

/**
 * What a decision does to an element of VR `vr` (PS3.15 Annex E). Under Retain Longitudinal
 * Temporal Information with Modified Dates, the profile's C rows shift dates and keep the rest.
 */
export function effectFor(decision: Decision, vr: Vr, isSequence: boolean): Effect | "shift" {
  if (decision.row?.column === "retain-long-modified-dates" && decision.row.code === "C") {
    return vr === "DA" || vr === "DT" ? "shift" : "keep";
  }
  return effectOf(decision.action.name, vr === "UI", isSequence);
}
