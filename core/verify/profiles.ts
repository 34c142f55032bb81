/**
 * Profile and option names as verify knows them. Written here rather than imported from the
 * engine (`core/deid/profile.ts`) on purpose: verify is a second opinion, so it reads the same
 * generated tables through its own small code and a shared bug cannot pass unnoticed.
 */
import { OPTION_COLUMNS } from "../deid/tables/basic_profile.ts";

/** The ps315-basic options (PS3.15 §E.3): Table E.1-1 column and CID 7050 code of each. */
export const VERIFY_OPTIONS: Readonly<
  Record<string, { column: typeof OPTION_COLUMNS[number]; code: string }>
> = {
  "retain-safe-private": { column: "rtn_safe_priv", code: "113111" },
  "retain-uids": { column: "rtn_uids", code: "113110" },
  "retain-device-id": { column: "rtn_dev_id", code: "113109" },
  "retain-institution-id": { column: "rtn_inst_id", code: "113112" },
  "retain-patient-chars": { column: "rtn_pat_chars", code: "113108" },
  "retain-long-full-dates": { column: "rtn_long_full_dates", code: "113106" },
  "retain-long-modified-dates": { column: "rtn_long_modif_dates", code: "113107" },
  "clean-descriptors": { column: "clean_desc", code: "113105" },
  "clean-structured-content": { column: "clean_struct_cont", code: "113104" },
  "clean-graphics": { column: "clean_graph", code: "113103" },
};

/** CID 7050 "Basic Application Confidentiality Profile" (PS3.16). */
export const BASIC_PROFILE_CODE = "113100";

/** The profile ids verify checks against (aliases resolved by {@link canonicalProfile}). */
export const VERIFY_PROFILES = [
  "dicomfields_2023",
  "dicomfields_2024b",
  "ps315-basic",
  "minimal",
] as const;

/** One of {@link VERIFY_PROFILES}. */
export type VerifyProfileId = typeof VERIFY_PROFILES[number];

const ALIASES: Readonly<Record<string, VerifyProfileId>> = {
  "kitware-2023": "dicomfields_2023",
  "kitware-2024b": "dicomfields_2024b",
};

/** A profile with its options, as the manifest header or `--profile`/`--option` give it. */
export interface ProfileChoice {
  readonly id: VerifyProfileId;
  readonly options: readonly string[];
}

/** Validates a profile id (or alias) and its options; throws RangeError naming what is wrong. */
export function canonicalProfile(id: string, options: readonly string[]): ProfileChoice {
  const canonical = Object.hasOwn(ALIASES, id) ? ALIASES[id] : id;
  if (!(VERIFY_PROFILES as readonly string[]).includes(canonical)) {
    throw new RangeError(
      `unknown profile ${JSON.stringify(id)}; valid: ${VERIFY_PROFILES.join(", ")}`,
    );
  }
  const bad = options.filter((o) => !Object.hasOwn(VERIFY_OPTIONS, o));
  if (bad.length) {
    throw new RangeError(`unknown option(s) ${bad.join(", ")}; valid: ${optionIds().join(", ")}`);
  }
  if (options.length && canonical !== "ps315-basic") {
    throw new RangeError(`profile ${canonical} has no options; options need ps315-basic`);
  }
  return { id: canonical as VerifyProfileId, options: [...new Set(options)] };
}

/** Every option id, in table column order. */
export function optionIds(): string[] {
  return Object.keys(VERIFY_OPTIONS);
}
