/**
 * The records of a `deid-manifest/1` file (docs/manifest.md), built as objects whose key order
 * is the documented one, so `JSON.stringify` writes exactly the documented lines. No record
 * carries a value of any attribute or an input path.
 */
import type { AuditAction } from "../deid/audit.ts";
import type { FileDigests } from "./hash_tap.ts";

/** The format id written in every header. */
export const MANIFEST_FORMAT = "deid-manifest/1";

/** What a file's outcome can be (docs/manifest.md `status`). */
export const FILE_STATUSES = ["ok", "copied", "not-dicom", "dicomdir", "failed", "held-back"];

/** The settings a run applied: the header's description of the policy and keys. */
export interface HeaderInfo {
  readonly created: Date;
  readonly tool: string;
  readonly version: string;
  readonly profile: {
    readonly id: string;
    readonly edition: string;
    readonly options: readonly string[];
  };
  readonly keepPrivateTags: boolean;
  /** `--pseudonyms` mode, when the four identifiers got pseudonyms instead of the profile's action. */
  readonly pseudonyms?: string;
  /** Tag pattern and action name of each user rule; arguments (maybe values) never. */
  readonly userRules: readonly { readonly tag: string; readonly action: string }[];
  /** Fingerprint of the de-identification key (as `--report` prints it). */
  readonly keyId: string;
  readonly hashKeyId: string;
  readonly signingKey: { readonly publicKey: string; readonly id: string };
}

/** Per-file facts computed where the bytes flowed (a worker, an upload): hashes and audit. */
export interface FileEvidence extends FileDigests {
  /** HMACs of the input's distinct UIDs, sorted (DICOM outputs only). */
  readonly inputUids?: readonly string[];
  readonly inputUidsTruncated?: number;
  readonly actions?: readonly AuditAction[];
  readonly actionsTruncated?: number;
  /** Elements per effect (truncated entries included), for the summary. */
  readonly counts?: Readonly<Record<string, number>>;
}

/** One file's outcome as the manifest records it. */
export interface FileOutcome {
  /** One of {@link FILE_STATUSES}. */
  readonly status: string;
  /** Output path relative to OUT or inside the output ZIP (ok and copied only). */
  readonly output?: string;
  /** Why it failed or was held back: tag and offset only, as the CLI prints it. */
  readonly reason?: string;
  /** Hashes and audit (ok and copied only). */
  readonly evidence?: FileEvidence;
}

/** The header's body (after `type`, `seq`, `prev`). */
export function headerBody(h: HeaderInfo): Record<string, unknown> {
  return {
    format: MANIFEST_FORMAT,
    created: h.created.toISOString(),
    tool: h.tool,
    version: h.version,
    profile: { id: h.profile.id, edition: h.profile.edition, options: [...h.profile.options] },
    keepPrivateTags: h.keepPrivateTags,
    pseudonyms: h.pseudonyms ?? null,
    userRules: h.userRules.map((r) => ({ tag: r.tag, action: r.action })),
    keyId: h.keyId,
    hashKeyId: h.hashKeyId,
    signingKey: { alg: "Ed25519", publicKey: h.signingKey.publicKey, id: h.signingKey.id },
  };
}

/** A file record's body; hashes only for outputs that exist, reasons only for failures. */
export function fileBody(f: FileOutcome): Record<string, unknown> {
  const body: Record<string, unknown> = { status: f.status };
  const e = f.evidence;
  const published = f.status === "ok" || f.status === "copied";
  if (published && f.output !== undefined) body.output = f.output;
  if (published && e) {
    body.outputSha256 = e.outputSha256;
    body.outputBytes = e.outputBytes;
    body.inputHmac = e.inputHmac;
    body.inputBytes = e.inputBytes;
    if (f.status === "ok") {
      body.inputUids = [...(e.inputUids ?? [])];
      body.inputUidsTruncated = e.inputUidsTruncated ?? 0;
      body.actions = (e.actions ?? []).map(actionEntry);
      body.actionsTruncated = e.actionsTruncated ?? 0;
    }
  }
  if (f.reason !== undefined && (f.status === "failed" || f.status === "held-back")) {
    body.reason = f.reason;
  }
  return body;
}

/** An action entry with the documented key order, whatever order the object came in. */
function actionEntry(a: AuditAction): Record<string, unknown> {
  return {
    tag: a.tag,
    ...(a.keyword !== undefined ? { keyword: a.keyword } : {}),
    path: a.path,
    action: a.action,
    source: a.source,
    ...(a.row !== undefined ? { row: a.row, column: a.column } : {}),
  };
}
