/**
 * The claims an output makes about itself (PS3.15 §E.1.1, PS3.3 §C.7.1.1): Patient Identity
 * Removed (0012,0062), De-identification Method Code Sequence (0012,0064) and, with a
 * longitudinal dates option, Longitudinal Temporal Information Modified (0028,0303).
 *
 * Decision: YES is expected exactly when a full profile ran (not `minimal`) without
 * `keepPrivateTags` and without a user rule that keeps or sets a value (keep, regexp,
 * replace_with_value, custom); then 113100 must be among the codes. Otherwise the output must NOT
 * claim YES nor 113100 (a weakened run claiming full removal is the lie that matters), yet
 * both attributes must still be present. A code is accepted only when it is 113100 or the code of
 * a selected option: claiming an option that did not run is a finding.
 */
import { type Finding } from "./findings.ts";
import { BASIC_PROFILE_CODE, type ProfileChoice, VERIFY_OPTIONS } from "./profiles.ts";

/** Actions of user rules that keep or set a value the user chose. */
const RETAINING_ACTIONS = new Set(["keep", "regexp", "replace_with_value", "custom"]);

/** What the run's configuration lets an output claim. */
export interface ClaimExpectation {
  readonly removed: boolean;
  /** CID 7050 codes the output may carry. */
  readonly allowedCodes: ReadonlySet<string>;
  /** (0028,0303) required value, when a longitudinal dates option was selected. */
  readonly longitudinal?: "MODIFIED" | "UNMODIFIED";
}

/** The claim a configuration allows (profile, options, keepPrivateTags, user rule actions). */
export function expectedClaim(
  profile: ProfileChoice,
  keepPrivateTags: boolean,
  userActions: readonly string[],
): ClaimExpectation {
  const removed = profile.id !== "minimal" && !keepPrivateTags &&
    !userActions.some((a) => RETAINING_ACTIONS.has(a));
  const allowed = new Set(profile.options.map((o) => VERIFY_OPTIONS[o].code));
  if (removed) allowed.add(BASIC_PROFILE_CODE);
  const longitudinal = profile.options.includes("retain-long-modified-dates")
    ? "MODIFIED"
    : profile.options.includes("retain-long-full-dates")
    ? "UNMODIFIED"
    : undefined;
  return { removed, allowedCodes: allowed, longitudinal };
}

/** What was read from an output's top level. */
export interface IdentityFacts {
  /** (0012,0062) value (trimmed, upper case), undefined when absent. */
  identityRemoved?: string;
  identityOffset?: number;
  /** True when (0012,0064) is present. */
  methodCodes: boolean;
  /** Code Value (0008,0100) of each item of (0012,0064). */
  codes: string[];
  /** (0028,0303) value, undefined when absent. */
  longitudinal?: string;
}

/** Findings for an output's identity attributes under the expected claim. */
export function identityFindings(
  file: string,
  facts: IdentityFacts,
  expected: ClaimExpectation,
): Finding[] {
  const out: Finding[] = [];
  const add = (tag: string, message: string, offset?: number) =>
    out.push({ file, tag, offset, check: "identity", message });
  const yes = facts.identityRemoved === "YES";
  if (facts.identityRemoved === undefined) add("(0012,0062)", "PatientIdentityRemoved is missing");
  else if (expected.removed && !yes) {
    add(
      "(0012,0062)",
      "PatientIdentityRemoved is not YES, though a full profile without retaining rules was claimed",
      facts.identityOffset,
    );
  } else if (!expected.removed && yes) {
    add(
      "(0012,0062)",
      "PatientIdentityRemoved claims YES, but the configuration keeps identifying data",
      facts.identityOffset,
    );
  }
  if (!facts.methodCodes) add("(0012,0064)", "DeidentificationMethodCodeSequence is missing");
  else {
    if (expected.removed && !facts.codes.includes(BASIC_PROFILE_CODE)) {
      add("(0012,0064)", `code ${BASIC_PROFILE_CODE} (Basic Profile) is missing`);
    }
    for (const code of new Set(facts.codes)) {
      // CID 7050 codes are public constants (113100-113112), not patient data.
      const shown = /^1131\d\d$/.test(code) ? `code ${code}` : "a code outside CID 7050";
      if (!expected.allowedCodes.has(code)) {
        add("(0012,0064)", `${shown} is claimed but did not run`);
      }
    }
  }
  if (expected.longitudinal && facts.longitudinal !== expected.longitudinal) {
    add(
      "(0028,0303)",
      `LongitudinalTemporalInformationModified must be ${expected.longitudinal} for the dates option`,
    );
  }
  return out;
}
