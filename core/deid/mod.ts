/**
 * De-identification engine (PS3.15 Annex E): profiles, user rules, keyed UIDs and dates, as a
 * synchronous event stage for the streaming codec.
 */
export { type Action, ACTION_NAMES, type ActionName } from "./actions.ts";
export { type AuditAction, type FileAudit, MAX_AUDIT_ACTIONS } from "./audit.ts";
export {
  createDeidentifier,
  type DeidConfig,
  type Deidentifier,
  type FileJob,
  type FileReport,
  MINIMAL_PROFILE,
  type StartOptions,
} from "./engine.ts";
export { DeidPolicyError, DeidSkipError, DeidValueError } from "./errors.ts";
export { minimalRows } from "./minimal.ts";
export {
  CID_7050,
  DEFAULT_PROFILE,
  PROFILE_ALIASES,
  PROFILE_OPTIONS,
  resolveProfile,
} from "./profile.ts";
export { parseRuleArgs, parseRulesDictionary, type UserRule } from "./rules.ts";
export { parseTagSpec } from "./tag_spec.ts";
export { keyFingerprint, mapUid } from "./uid.ts";
export {
  HELD_BACK_REASONS,
  isHeldBackReason,
  OFTEN_BURNED_IN_MODALITIES,
  OFTEN_BURNED_IN_SOP_CLASSES,
} from "./burned_in.ts";
export type { PixelOutcome } from "./pixel_clean.ts";
export { parsePixelRules, type PixelRule, validatePixelRules } from "./pixel_rules.ts";
export type { PseudonymLookup, PseudonymMode } from "../pseudonyms/attributes.ts";
