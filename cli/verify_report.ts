/** What `verify` prints: findings, a summary per check, or one JSON document. */
import { CHECK_IDS, formatFinding, MAX_LISTED_FINDINGS } from "../core/verify/findings.ts";
import type { VerifyResult } from "../core/verify/verify_run.ts";

/** The summary lines: files read, findings per check, what was skipped. */
export function summaryLines(r: VerifyResult, seconds: number): string[] {
  const f = r.findings;
  const profile = [r.profile.id, ...r.profile.options].join(" ");
  const lines = [
    `verify: ${r.files} file(s) read (${r.dicomFiles} DICOM) in ${seconds.toFixed(1)} s, ` +
    `profile ${profile}; ${f.total} finding(s)`,
  ];
  for (const check of CHECK_IDS) {
    const n = f.counts[check];
    if (n) lines.push(`  ${check}: ${n}`);
  }
  if (f.total > f.listed.length) {
    lines.push(`  (only the first ${MAX_LISTED_FINDINGS} findings are listed)`);
  }
  lines.push(`  UIDs checked: ${r.uidsChecked}, not checked: ${r.uidsSkipped}`);
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return lines;
}

/** Every listed finding, one line each. */
export function findingLines(r: VerifyResult): string[] {
  return r.findings.listed.map(formatFinding);
}

/** The `--json` document. */
export function jsonReport(r: VerifyResult, seconds: number): string {
  return JSON.stringify(
    {
      ok: r.findings.total === 0,
      files: r.files,
      dicomFiles: r.dicomFiles,
      profile: r.profile,
      seconds: Number(seconds.toFixed(3)),
      findingsTotal: r.findings.total,
      counts: r.findings.counts,
      uids: { checked: r.uidsChecked, notChecked: r.uidsSkipped },
      notes: r.notes,
      findings: r.findings.listed,
    },
    null,
    2,
  );
}
