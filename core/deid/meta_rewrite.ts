/**
 * What becomes of each File Meta element (PS3.10 §7.1) on the way out. The sender's names
 * are removed (the encoder writes ours), and Media Storage SOP Instance UID (0002,0003) must
 * stay equal to the SOP Instance UID (0008,0018) written later, so it follows the policy's
 * decision for (0008,0018) before that element has arrived (UIDs map the same everywhere).
 */
import type { Tag } from "../dicom/tag.ts";
import { effectFor } from "./element_decision.ts";
import type { DeidPolicy } from "./policy.ts";

/** File Meta elements that name the sending system: removed (the encoder writes ours). */
export const META_REMOVED: ReadonlySet<Tag> = new Set([
  0x00020012,
  0x00020013,
  0x00020016,
  0x00020017,
  0x00020018,
  0x00020100,
  0x00020102,
]);

/** Media Storage SOP Instance UID (0002,0003). */
const MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003;
/** SOP Instance UID (0008,0018). */
const SOP_INSTANCE_UID = 0x00080018;

/**
 * The fate of File Meta element `tag`: `delete` (a sender's name), `keep` or `uid` (the
 * instance UID, as the policy treats (0008,0018)), or `pass` (the rest: kept as they are,
 * and not audited).
 */
export function metaFate(tag: Tag, policy: DeidPolicy): "delete" | "keep" | "uid" | "pass" {
  if (META_REMOVED.has(tag)) return "delete";
  if (tag !== MEDIA_STORAGE_SOP_INSTANCE_UID) return "pass";
  // Kept when the policy keeps SOP Instance UID (minimal, retain-uids, a user keep rule).
  return effectFor(policy.standard(SOP_INSTANCE_UID), "UI", false) === "keep" ? "keep" : "uid";
}
