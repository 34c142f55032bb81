/**
 * `verify` as a whole: read the manifest (chain, signature, keys), derive what the profile
 * demands, read every output once, then match outputs and records both ways. I/O is injected
 * (outputs and manifest as chunk streams) so the same code serves folders, ZIPs and tests.
 */
import type { KeyObject } from "node:crypto";
import { profileRows } from "./expectations.ts";
import { type FileOutcome, verifyFile } from "./file_verifier.ts";
import { type Finding, FindingList } from "./findings.ts";
import { expectedClaim } from "./identity_check.ts";
import { keyCheck, signatureFindings } from "./manifest_keys.ts";
import { type FileRecord, type ManifestData, readManifest } from "./manifest_read.ts";
import { phiPatterns } from "./phi_patterns.ts";
import { canonicalProfile, type ProfileChoice } from "./profiles.ts";
import { parseTagMatch, type TagMatch, tagMatches } from "./tag_match.ts";
import { uidCheck } from "./uid_check.ts";

/** One output to read: its path relative to OUT and a fresh stream of its bytes. */
export interface OutputSource {
  readonly rel: string;
  open(): AsyncIterable<Uint8Array>;
}

/**
 * PatientName, PatientID, AccessionNumber, StudyID: the attributes `anonymize --pseudonyms`
 * replaces at the top level (README, "Pseudonyms"). Written here, not imported, to keep verify
 * apart from the engine.
 */
const PSEUDONYM_TAGS: ReadonlySet<number> = new Set([
  0x00100010,
  0x00100020,
  0x00080050,
  0x00200010,
]);

/** Everything a verify run is given. */
export interface VerifyRequest {
  readonly outputs: readonly OutputSource[];
  /** The manifest, when one is given; `name` is how findings name it. */
  readonly manifest?: { readonly name: string; open(): AsyncIterable<Uint8Array> };
  /** `--public-key`: the only key the signature may verify with. */
  readonly pinnedKey?: KeyObject;
  /** `--key-file`: the de-identification key, for the UID check. */
  readonly deidKey?: Uint8Array;
  /** `--phi-list` strings. */
  readonly phiStrings?: readonly string[];
  /** Used when there is no manifest (`--profile`, `--option`). */
  readonly profile: ProfileChoice;
  /** `--pseudonyms`: the run gave the four identifiers pseudonyms (a manifest says so itself). */
  readonly pseudonyms?: boolean;
  /** Called after each output with the count done so far. */
  readonly onProgress?: (done: number, findings: number) => void;
}

/** The outcome: findings, counts and notes (what was not checked, and why). */
export interface VerifyResult {
  readonly findings: FindingList;
  readonly files: number;
  readonly dicomFiles: number;
  readonly uidsChecked: number;
  readonly uidsSkipped: number;
  readonly profile: ProfileChoice;
  readonly notes: string[];
}

/** Runs every check; never throws for what it finds, only for I/O it cannot do. */
export async function verifyOutputs(req: VerifyRequest): Promise<VerifyResult> {
  const findings = new FindingList();
  const add = (f: Finding) => findings.add(f);
  const notes: string[] = [];
  let manifest: ManifestData | undefined;
  let hashKey: Uint8Array | undefined;
  let profile = req.profile;
  let rules: { match?: TagMatch; action: string }[] = [];
  let keepPrivateTags = false;
  let pseudonyms = req.pseudonyms ?? false;
  if (req.manifest) {
    const name = req.manifest.name;
    manifest = await readManifest(name, req.manifest.open(), add);
    signatureFindings(name, manifest, req.pinnedKey).forEach(add);
    if (!req.pinnedKey) {
      notes.push("signature checked with the header's own key (--public-key pins one)");
    }
    const header = manifest.header;
    if (header) {
      try {
        profile = canonicalProfile(header.profileId ?? "", header.options);
      } catch (err) {
        add({ file: name, offset: 1, check: "manifest-format", message: (err as Error).message });
        notes.push(`attributes checked against ${profile.id}: the header's profile is unknown`);
      }
      keepPrivateTags = header.keepPrivateTags;
      pseudonyms ||= header.pseudonyms !== undefined;
      rules = header.userRules.map((r) => ({ match: parseTagMatch(r.tag), action: r.action }));
      if (rules.some((r) => !r.match)) {
        add({ file: name, offset: 1, check: "manifest-format", message: "unreadable rule tag" });
      }
    }
    if (req.deidKey) {
      const keys = keyCheck(name, manifest, req.deidKey);
      keys.findings.forEach(add);
      hashKey = keys.hashKey;
      if (manifest.uidsTruncated > 0) {
        notes.push(
          `UID check incomplete: the manifest left out ${manifest.uidsTruncated} input UIDs`,
        );
      }
    } else notes.push("UID check skipped: no --key-file");
  } else notes.push("no manifest: chain, signature, output hashes and UID check skipped");
  const exempt = (tag: number) => rules.some((r) => r.match && tagMatches(r.match, tag));
  const config = {
    rows: profileRows(profile),
    privatePolicy: {
      keepPrivateTags,
      safePrivate: profile.options.includes("retain-safe-private"),
      exempt,
    },
    claim: expectedClaim(profile, keepPrivateTags, rules.map((r) => r.action)),
    uids: hashKey && manifest ? uidCheck(hashKey, manifest.inputUids) : undefined,
    pseudonymTags: pseudonyms ? PSEUDONYM_TAGS : undefined,
  };
  const phi = phiPatterns(req.phiStrings ?? []);
  const seen = new Set<string>();
  let dicomFiles = 0, uidsChecked = 0, uidsSkipped = 0;
  for (const source of req.outputs) {
    const record = manifest?.outputs.get(source.rel);
    seen.add(source.rel);
    if (manifest && !record) {
      add({ file: source.rel, check: "extra-file", message: "not in the manifest" });
    }
    // Every output is parsed, copies too: a DICOM file "copied as non-DICOM" left the run
    // without de-identification.
    const out = await verifyFile(source.rel, source.open(), { dicom: true, config, phi }, add);
    const message = kindMismatch(out, record, manifest !== undefined);
    if (message) add({ file: source.rel, offset: 0, check: "not-dicom", message });
    if (out.dicom === "ok") dicomFiles++;
    uidsChecked += out.uidsChecked;
    uidsSkipped += out.uidsSkipped;
    if (record) outputFindings(source.rel, record, out).forEach(add);
    req.onProgress?.(seen.size, findings.total);
  }
  for (const [rel, record] of manifest?.outputs ?? []) {
    if (!seen.has(rel)) {
      const message = `recorded on manifest line ${record.line}, not found in OUT`;
      add({ file: rel, check: "output-missing", message });
    }
  }
  if (!manifest) notes.push(`profile ${profile.id} from the command line (no manifest header)`);
  return { findings, files: seen.size, dicomFiles, uidsChecked, uidsSkipped, profile, notes };
}

/** The output's hash and size against its record; both are checked, each on its own. */
function outputFindings(rel: string, record: FileRecord, out: FileOutcome): Finding[] {
  const found: Finding[] = [];
  if (record.outputSha256 !== out.sha256) {
    found.push({ file: rel, check: "output-hash", message: "SHA-256 differs from the manifest" });
  }
  if (record.outputBytes !== out.bytes) {
    const message = `${out.bytes} bytes, the manifest records ${record.outputBytes}`;
    found.push({ file: rel, check: "output-hash", message });
  }
  return found;
}

/** Whether the file's kind agrees with its record: DICOM when de-identified, not when copied. */
function kindMismatch(out: FileOutcome, record: FileRecord | undefined, manifest: boolean): string {
  const dicom = out.dicom !== "not-dicom";
  if (record?.status === "copied") {
    return dicom ? "recorded as a copied non-DICOM file, but it is DICOM" : "";
  }
  if (dicom) return "";
  return manifest && record ? "recorded as de-identified, but not DICOM" : "not DICOM: not checked";
}
