/**
 * De-identification engine (PS3.15 Annex E): profiles, user rules, keyed UIDs and dates, as a
 * synchronous event stage for the streaming codec.
 */
export { type Action, ACTION_NAMES, type ActionName } from "./actions.ts";
export {
  createDeidentifier,
  type DeidConfig,
  type Deidentifier,
  type FileJob,
  type FileReport,
  MINIMAL_PROFILE,
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
