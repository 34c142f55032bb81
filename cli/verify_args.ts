/** Command-line parsing and help for `verify`. */
import { parseArgs } from "node:util";
import { optionIds, VERIFY_PROFILES } from "../core/verify/profiles.ts";
import { UsageError } from "./args.ts";

/** What `verify` was asked to do. */
export interface VerifyArgs {
  out: string;
  manifest?: string;
  publicKey?: string;
  keyFile?: string;
  phiList?: string;
  profile?: string;
  options: string[];
  /** `--pseudonyms`: the run replaced the four identifiers with pseudonyms. */
  pseudonyms: boolean;
  json: boolean;
  quiet: boolean;
  help: boolean;
}

/** Parses the arguments after `verify`; throws {@link UsageError}. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        manifest: { type: "string" },
        "public-key": { type: "string" },
        "key-file": { type: "string" },
        "phi-list": { type: "string" },
        profile: { type: "string" },
        option: { type: "string", multiple: true },
        pseudonyms: { type: "boolean" },
        json: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    // node's messages name the flag only (never a value), e.g. "Unknown option '--x'".
    throw new UsageError(`${(err as Error).message} (see --help)`);
  }
  const v = parsed.values;
  const args: VerifyArgs = {
    out: parsed.positionals[0] ?? "",
    manifest: v.manifest,
    publicKey: v["public-key"],
    keyFile: v["key-file"],
    phiList: v["phi-list"],
    profile: v.profile,
    options: v.option ?? [],
    pseudonyms: v.pseudonyms ?? false,
    json: v.json ?? false,
    quiet: v.quiet ?? false,
    help: v.help ?? false,
  };
  if (args.help) return args;
  if (parsed.positionals.length !== 1) {
    throw new UsageError(`expected OUT, got ${parsed.positionals.length} path(s) (see --help)`);
  }
  if (!args.manifest && (args.publicKey || args.keyFile)) {
    throw new UsageError("--public-key and --key-file need --manifest");
  }
  if (args.manifest && (args.profile || args.options.length || args.pseudonyms)) {
    throw new UsageError(
      "--profile, --option and --pseudonyms come from the manifest header; drop them",
    );
  }
  return args;
}

/** `verify --help`. */
export function verifyHelpText(): string {
  return `Usage: main.ts verify OUT [options]

Checks de-identified outputs with code of its own (not the engine's decisions): OUT is the
output folder (recursive), a .zip, or one file. Exit status: 0 nothing found, 1 findings,
2 usage error. Findings name the file, tag and byte offset, never a value.

  --manifest FILE       the run's deid-manifest/1 (docs/manifest.md): chain, signature,
                        output hashes and sizes, files missing or extra; profile, options,
                        keepPrivateTags and user rules are taken from its header
  --public-key FILE     PEM Ed25519 key the signature must verify with (else the header's)
  --key-file FILE       the de-identification key: output UIDs are checked against the
                        input UIDs' hashes in the manifest (skipped without it)
  --phi-list FILE       strings (one per line) that must not occur in any output's bytes
                        (ASCII in any case, names also in DICOM PN forms)
  --profile ID          without a manifest: ${VERIFY_PROFILES.join(", ")}
                        (default dicomfields_2023)
  --option ID           without a manifest, repeatable: a ps315-basic option
                        (${optionIds().slice(0, 3).join(", ")}, …)
  --pseudonyms          without a manifest: the run used --pseudonyms, so PatientName,
                        PatientID, AccessionNumber and StudyID hold pseudonyms at the top level
  --json                machine-readable result on stdout
  --quiet, -q           no progress or summary (findings still printed)
  --help, -h
`;
}
