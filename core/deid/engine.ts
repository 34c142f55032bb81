import { DicomPipeline } from "../dicom/mod.ts";
import type { Tag } from "../dicom/tag.ts";
import { DeidentifyStage } from "./deidentify.ts";
import { AuditTrail, type FileAudit } from "./audit.ts";
import { AuditUidStage } from "./audit_uids.ts";
import { UidMapper } from "./uid.ts";
import { DeidPolicyError } from "./errors.ts";
import type { IdentityClaim } from "./identity.ts";
import { minimalProfile } from "./minimal.ts";
import { DeidPolicy, type ProfileSource } from "./policy.ts";
import { PROFILE_OPTIONS, resolveProfile } from "./profile.ts";
import type { UserRule } from "./rules.ts";
import { type SafePrivateEntry, safePrivateMatcher } from "./tables/safe_private.ts";
import { BASIC_PROFILE_ROWS, OPTION_COLUMNS } from "./tables/basic_profile.ts";
import {
  isPseudonymMode,
  PSEUDONYM_MODES,
  type PseudonymLookup,
  type PseudonymMode,
} from "../pseudonyms/attributes.ts";
import { hashLookup } from "../pseudonyms/hash.ts";
import { PixelGuard, type PixelOutcome } from "./pixel_clean.ts";
import { type PixelRule, validatePixelRules } from "./pixel_rules.ts";

/** Everything that decides how files are de-identified; validated once per run. */
export interface DeidConfig {
  /** Profile id or alias: dicomfields_2023 (default), dicomfields_2024b, ps315-basic, minimal. */
  readonly profile?: string;
  /** PS3.15 option ids (ps315-basic only), e.g. "retain-uids". */
  readonly options?: readonly string[];
  /** User rules (-t and --dictionary), later ones win. */
  readonly rules?: readonly UserRule[];
  /** Keep every private attribute (the reference's --keepPrivateTags). */
  readonly keepPrivateTags?: boolean;
  /** Extra safe private attributes for retain-safe-private (a site's own list). */
  readonly safePrivate?: readonly SafePrivateEntry[];
  /** Secret for keyed UIDs and date shifts (≥ 16 bytes). */
  readonly key: Uint8Array;
  /**
   * Pseudonyms for PatientName/PatientID/AccessionNumber/StudyID (core/pseudonyms/): `hash`
   * needs nothing more; `sequential` needs a lookup per file (`start({ pseudonyms })`).
   */
  readonly pseudonyms?: PseudonymMode;
  /** Clean Pixel Data rules (core/deid/pixel_rules.ts): rectangles blanked in native pixels. */
  readonly pixelRules?: readonly PixelRule[];
  /** Let files whose (0028,0301) Burned In Annotation is YES through uncleaned (held back by default). */
  readonly allowBurnedIn?: boolean;
}

/** PHI-free summary of one file: what was done, never a value. */
export interface FileReport {
  /** Count of elements per effect: keep, delete, empty, dummy, uid, clean, regexp, value, shift. */
  readonly actions: Record<string, number>;
  /** Per tag (and keyword) and effect: how many elements were acted on, at any depth. */
  readonly tags: readonly { tag: string; keyword?: string; action: string; count: number }[];
  /** The new SOP Instance UID (a keyed UID, not PHI), for naming outputs. */
  readonly sopInstanceUid?: string;
  /** Transfer syntax written. */
  readonly transferSyntax?: string;
  /** Things the user should know about this file (tags and reasons, no values). */
  readonly notes?: readonly string[];
  /** Burned-in guard and Clean Pixel Data: cleaned, flagged (may carry burned-in text) or allowed. */
  readonly pixels?: PixelOutcome;
}

/** One file's run: a pipeline to feed and, when it has finished, its report. */
export interface FileJob {
  readonly pipeline: DicomPipeline;
  /**
   * Available after `pipeline.finish()`. With `tags: false` the per-tag rows are left out
   * (totals, notes and the new SOP Instance UID stay): a run that lists no per-tag counts
   * saves building and sending them for every file.
   */
  report(options?: { tags?: boolean }): FileReport;
  /** True when `text` equals a value this file had and the output no longer has (never logged). */
  wasRemoved(text: string): boolean;
  /** After `pipeline.finish()`, for jobs started with `{ audit: true }`: every decision taken. */
  audit(): FileAudit;
}

/** Per-file settings of {@link Deidentifier.start}. */
export interface StartOptions {
  /** Keep an audit trail (decisions with rows, input UIDs); off by default, and then free. */
  readonly audit?: boolean;
  /** This file's pseudonyms (sequential mode: read ahead and allocated by the caller). */
  readonly pseudonyms?: PseudonymLookup;
}

/** A validated configuration that starts one {@link FileJob} per file. */
export interface Deidentifier {
  readonly config: DeidConfig;
  /** The profile actually used (canonical id, edition, options). */
  readonly profile: {
    readonly id: string;
    readonly edition: string;
    readonly options: readonly string[];
  };
  start(options?: StartOptions): FileJob;
}

/** Profile ids accepted besides those of {@link resolveProfile}. */
export const MINIMAL_PROFILE = "minimal";

/**
 * Validates a configuration (unknown profile, option or bad key → DeidPolicyError/RangeError)
 * and returns a factory of per-file jobs. Do this once per run, before touching any file.
 */
export function createDeidentifier(config: DeidConfig): Deidentifier {
  if (config.key.length < 16) {
    throw new RangeError("De-identification key must be at least 16 bytes");
  }
  const options = config.options ?? [];
  let profile: ProfileSource;
  if ((config.profile ?? "") === MINIMAL_PROFILE) {
    if (options.length) throw new DeidPolicyError("The minimal profile has no options");
    profile = minimalProfile();
  } else {
    profile = resolveProfile(config.profile ?? "dicomfields_2023", options);
  }
  const safe = profile.options.includes("retain-safe-private")
    ? safePrivateMatcher(config.safePrivate ?? [])
    : undefined;
  const policy = new DeidPolicy({
    profile,
    rules: config.rules,
    keepPrivateTags: config.keepPrivateTags,
    isSafePrivate: safe,
  });
  const claim = identityClaim(profile, policy, config);
  const cleanCodes = cleanOptionTests(profile.options);
  const uids = new UidMapper(config.key);
  if (config.pseudonyms !== undefined && !isPseudonymMode(config.pseudonyms)) {
    throw new DeidPolicyError(`Unknown pseudonym mode; known: ${PSEUDONYM_MODES.join(", ")}`);
  }
  const hashed = config.pseudonyms === "hash" ? hashLookup(config.key) : undefined;
  const pixelRules = config.pixelRules && validatePixelRules(config.pixelRules, "pixel rules");
  return {
    config,
    profile: { id: profile.id, edition: profile.edition, options: profile.options },
    start(options?: StartOptions): FileJob {
      const pseudonyms = options?.pseudonyms ?? hashed;
      if (config.pseudonyms === "sequential" && !pseudonyms) {
        throw new TypeError("Sequential pseudonyms need a lookup per file: start({ pseudonyms })");
      }
      const trail = options?.audit ? new AuditTrail() : undefined;
      const uidStage = options?.audit ? new AuditUidStage() : undefined;
      const guard = new PixelGuard({ rules: pixelRules, allowBurnedIn: config.allowBurnedIn });
      const stage = new DeidentifyStage({
        headerCheck: (claim, note) => guard.check(claim, note),
        headerObserver: guard.probe,
        policy,
        key: config.key,
        claim,
        cleanCodes,
        uids,
        audit: trail,
        pseudonyms,
      });
      return {
        pipeline: new DicomPipeline([
          ...(uidStage ? [uidStage, stage] : [stage]),
          ...(pixelRules?.length ? [guard.stage] : []),
        ]),
        audit: () => {
          if (!trail) throw new TypeError("No audit: start the job with { audit: true }");
          return trail.build(uidStage!.result());
        },
        report: (options) => {
          const pixels = guard.outcome();
          return { ...stage.report.build(options?.tags ?? true), ...(pixels ? { pixels } : {}) };
        },
        wasRemoved: (text) => stage.wasRemoved(text),
      };
    },
  };
}

/** What (0012,0062-0064) may say for this configuration (PS3.15 §E.1.1). */
function identityClaim(
  profile: ProfileSource,
  policy: DeidPolicy,
  config: DeidConfig,
): IdentityClaim {
  const full = profile.id !== MINIMAL_PROFILE;
  const removed = full && !policy.userRetains && !config.keepPrivateTags;
  const method = [`${profile.id} (PS3.15 ${profile.edition})`];
  if (profile.options.length) method.push(`options: ${profile.options.join(" ")}`);
  if (config.rules?.length) method.push(`${config.rules.length} user rule(s)`);
  if (config.keepPrivateTags) method.push("private attributes kept");
  if (config.pseudonyms) method.push(`pseudonyms: ${config.pseudonyms}`);
  if (!full) method.push("direct identifiers only");
  const codes = profile.codes().filter((c) => removed || c.value !== "113100");
  return { removed, method, codes };
}

/** For each Clean option: a test whether any of its rows occurs in a file's header. */
function cleanOptionTests(options: readonly string[]): Map<string, (tags: Set<Tag>) => boolean> {
  const tests = new Map<string, (tags: Set<Tag>) => boolean>();
  for (const option of options) {
    if (!option.startsWith("clean-")) continue;
    const { column, code } = PROFILE_OPTIONS[option as keyof typeof PROFILE_OPTIONS];
    const index = (OPTION_COLUMNS as readonly string[]).indexOf(column);
    const rows = BASIC_PROFILE_ROWS.filter((r) => r[4][index] === "C").map((r) => r[0]);
    const exact = new Set(
      rows.filter((r) => !/x/i.test(r)).map((r) => parseInt(r.slice(1, 5) + r.slice(6, 10), 16)),
    );
    tests.set(code, (tags) => [...tags].some((t) => exact.has(t)));
  }
  return tests;
}
