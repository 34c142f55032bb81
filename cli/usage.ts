/** The `anonymize` command's help text and version. */
// The two leaf modules, not core/deid/mod.ts: `--help` and `--version` need no engine.
import { ACTION_NAMES } from "../core/deid/actions.ts";
import { DEFAULT_PROFILE, PROFILE_OPTIONS } from "../core/deid/profile.ts";
import { MAX_ZIP_RATIO, MAX_ZIP_TOTAL_BYTES } from "./zip_source.ts";

/** The program's version, shown by `--version` and written into `--report` files. */
export const VERSION = "0.1.0";

/** `--version` output. */
export function versionText(): string {
  return `deid ${VERSION} (Deno ${Deno.version.deno})`;
}

/** Joins names with ", ", wrapped to the help's 96 columns under a 26-space indent. */
function wrap(names: readonly string[]): string {
  const lines = [""];
  for (const name of names) {
    const last = lines.length - 1;
    if (lines[last] && 26 + lines[last].length + name.length + 2 > 96) lines.push("");
    lines[lines.length - 1] += (lines[lines.length - 1] ? " " : "") + name + ",";
  }
  return lines.join(`\n${" ".repeat(26)}`).replace(/,$/, "");
}

/** `--help` output; the examples mirror KitwareMedical/dicom-anonymizer's README. */
export function helpText(): string {
  return `Usage: main.ts anonymize IN OUT [options]
       main.ts dicom-anonymizer IN OUT [options]   (drop-in alias; also cli/dicom-anonymizer)

De-identifies DICOM files (PS3.15 Annex E). IN is a file, a folder (recursive) or a .zip;
OUT is a file, a folder (created if missing, structure kept) or a .zip. Outputs appear only
when complete. Non-DICOM files are skipped and listed; DICOMDIR files are skipped (regenerate
them from the outputs); broken files are reported with tag and offset and the run goes on.

Rules (as in dicom-anonymizer; later rules win, --dictionary after -t):
  -t TAG ACTION [ARGS]    regexp takes FIND REPLACE, replace_with_value takes VALUE
                          TAG: '(0x0010, 0x0020)', (0010,0020), 00100020 or PatientID
                          ACTION: ${wrap(ACTION_NAMES)}
  --dictionary FILE       JSON object: {"(0x0010, 0x0020)": "keep",
                            "(0x0008, 0x0020)": {"action": "regexp",
                                                 "find": "0701$", "replace": "0000"}}
  --keepPrivateTags       keep all private attributes (deleted by default)

Policy and key:
  --profile ID            ${DEFAULT_PROFILE} (default), dicomfields_2024b, ps315-basic, minimal
  --option ID             a ps315-basic option, repeatable:
                          ${wrap(Object.keys(PROFILE_OPTIONS))}
  --minimal               same as --profile minimal (direct identifiers only)
  --key-file PATH         key for UIDs and date shifts; else DEID_KEY (environment, .env),
                          else $DATA_DIR/deid.key (DATA_DIR default ./data; created on first use)
  --pseudonyms MODE       PatientName, PatientID, AccessionNumber, StudyID (top level) become
                          pseudonyms: hash (keyed HMAC, 16 or 32 characters) or sequential
                          (PREFIX-000001, ... kept in the server's KV; see: crosswalk --help)
  --prefix SITE           the sequence's prefix (1-9 letters, digits, -); sequential only

Pixels (burned-in text):
  --clean-pixels FILE     Clean Pixel Data rules (JSON): rectangles blanked in native pixels of
                          matching files: [{"match": {"Modality": "US", "Rows": 480,
                          "Columns": 640}, "rectangles": [[x, y, width, height], …]}]
  --allow-burned-in       write files whose Burned In Annotation (0028,0301) is YES even
                          when no rule cleans them (held back by default; output then says
                          PatientIdentityRemoved NO)

Run:
  --jobs N                parallel workers (default: CPU count = ${navigator.hardwareConcurrency})
  --rename uid            name outputs <new SOP Instance UID>.dcm
  --shard i/n             take only shard i of n (1-based): a stable share of IN's files by
                          a hash of their relative path; n runs together do every file once
  --overwrite             replace existing outputs (refused by default)
  --copy-non-dicom        copy non-DICOM files to OUT unchanged (never DICOMDIR)
  --allow-output-inside-input
  --dry-run               parse and de-identify, write nothing; show what would change
  --report FILE.json      per-file actions and totals (no patient data)
  --manifest FILE         signed, hash-chained audit trail: one JSON line per file with
                          keyed hashes, output SHA-256 and every action with its PS3.15 row
                          (no values, no input paths; format: docs/manifest.md)
  --signing-key FILE      its Ed25519 key (PKCS#8 PEM), kept apart from the de-identification
                          key; default $DATA_DIR/manifest-signing.pem (created, mode 0600)
  --json                  machine-readable summary on stdout
  --quiet, -q             no progress or summary (errors still go to stderr)
  --help, -h; --version, -V

Exit status: 0 all DICOM files done or held back, 1 some failed, 2 usage error.
Held back (burned-in annotation, or pixels a rule covers but cannot clean: compressed or an
unsupported layout): no output, original untouched, listed in the summary and --report.
Inputs of 1 MiB and more have their unchanged Pixel Data copied file to file by the kernel
(Linux); DEID_KERNEL_COPY=off reads and writes it instead (same output bytes).
Input ZIPs over ${
    MAX_ZIP_TOTAL_BYTES / 1024 ** 3
  } GiB uncompressed, or packed over ${MAX_ZIP_RATIO}:1, are refused.

Examples:
  main.ts anonymize Input Output
  main.ts anonymize InputFilePath OutputFilePath -t '(0x0010, 0x0020)' keep
  main.ts anonymize InputFilePath OutputFilePath -t '(0x0008, 0x0020)' regexp '0701$' '0000'
  main.ts anonymize InputFilePath OutputFilePath -t '(0x0010, 0x0010)' replace_with_value 'new_value'
  main.ts anonymize InputFilePath OutputFilePath --dictionary dictionary.json
  main.ts anonymize Input Output --keepPrivateTags
  main.ts anonymize study.zip anonymized.zip --rename uid --report report.json
  main.ts anonymize Input Output --manifest audit.jsonl --signing-key signing.pem
  main.ts anonymize Input Output --profile ps315-basic --option retain-long-modified-dates
  main.ts anonymize /mnt/shared/in /mnt/shared/out --shard 2/4   (machine 2 of 4)
`;
}
