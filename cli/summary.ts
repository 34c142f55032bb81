/**
 * The run's outcome: totals, the exit status, the `--report` document, the `--json` summary and
 * the closing lines for people. Built from PHI-free results only (paths, statuses, counts).
 */
import type { FileResult } from "./task.ts";
import { mb } from "./progress.ts";

/** Counts of a finished run. */
export interface RunTotals {
  files: number;
  ok: number;
  failed: number;
  notDicom: number;
  copied: number;
  dicomdir: number;
  /** Not written: burned-in annotation, or pixels a Clean Pixel Data rule could not clean. */
  heldBack: number;
  /** Written, but of a kind that often carries burned-in text and not saying NO. */
  flagged: number;
  /** Written with Clean Pixel Data rectangles blanked. */
  pixelsCleaned: number;
  bytes: number;
  seconds: number;
  filesPerSecond: number;
  mbPerSecond: number;
  /** Effects summed over all files (delete, empty, uid, …). */
  actions: Record<string, number>;
}

/** Facts about the run that belong in reports (profile, key fingerprint, flags). */
export type RunMeta = Record<string, unknown>;

const LIST_LIMIT = 20;

/** Collects results as they arrive and renders them. */
export class RunSummary {
  readonly #results: FileResult[] = [];
  readonly #warnings = new Set<string>();

  /** Records one file's outcome. */
  add(result: FileResult): void {
    this.#results.push(result);
  }

  /** Records a warning (a path, never a value); false when it was given already. */
  warn(text: string): boolean {
    if (this.#warnings.has(text)) return false;
    this.#warnings.add(text);
    return true;
  }

  /** 0 when no DICOM file failed, else 1 (skipped and held-back files are not failures). */
  get exitCode(): number {
    return this.#results.some((r) => r.status === "failed") ? 1 : 0;
  }

  /** Totals over the results so far. */
  totals(seconds: number): RunTotals {
    const count = (s: FileResult["status"]) => this.#results.filter((r) => r.status === s).length;
    const bytes = this.#results.reduce((n, r) => n + r.bytes, 0);
    const actions: Record<string, number> = {};
    for (const r of this.#results) {
      for (const [k, v] of Object.entries(r.report?.actions ?? {})) {
        actions[k] = (actions[k] ?? 0) + v;
      }
    }
    return {
      files: this.#results.length,
      ok: count("ok"),
      failed: count("failed"),
      notDicom: count("not-dicom") + count("copied"),
      copied: count("copied"),
      dicomdir: count("dicomdir"),
      heldBack: count("held-back"),
      flagged: this.#results.filter((r) => r.report?.pixels === "flagged").length,
      pixelsCleaned: this.#results.filter((r) => r.report?.pixels === "cleaned").length,
      bytes,
      seconds: round(seconds),
      filesPerSecond: seconds > 0 ? round(this.#results.length / seconds) : 0,
      mbPerSecond: seconds > 0 ? round(bytes / 1e6 / seconds) : 0,
      actions,
    };
  }

  /** The `--report` document: every file with its status, output path and action report. */
  report(meta: RunMeta, seconds: number): unknown {
    const files = this.#sorted().map((r) => ({
      path: r.rel,
      status: r.status,
      bytes: r.bytes,
      output: r.output,
      error: r.error,
      warnings: r.warnings,
      report: r.report,
    }));
    return { ...meta, totals: this.totals(seconds), warnings: [...this.#warnings], files };
  }

  /** The `--json` summary: totals plus the files that need attention. */
  json(meta: RunMeta, seconds: number): unknown {
    const pick = (s: FileResult["status"]) =>
      this.#sorted().filter((r) => r.status === s).map((r) => ({
        path: r.rel,
        ...(r.error ? { error: r.error } : {}),
      }));
    return {
      ...meta,
      exitCode: this.exitCode,
      totals: this.totals(seconds),
      failed: pick("failed"),
      notDicom: [...pick("not-dicom"), ...pick("copied")].map((f) => f.path),
      dicomdir: pick("dicomdir").map((f) => f.path),
      heldBack: pick("held-back"),
      flagged: this.#sorted().filter((r) => r.report?.pixels === "flagged").map((r) => r.rel),
      warnings: [...this.#warnings],
    };
  }

  /** Closing lines for stderr; with `dryRun`, what would have changed. */
  lines(seconds: number, dryRun: boolean): string[] {
    const t = this.totals(seconds);
    const verb = dryRun ? "would de-identify" : "de-identified";
    const out = [
      `${verb} ${t.ok} file(s), ${t.failed} failed, ${t.notDicom} not DICOM` +
      `${t.copied ? ` (${t.copied} copied)` : ""}, ${t.dicomdir} DICOMDIR skipped` +
      `${t.heldBack ? `, ${t.heldBack} held back` : ""}; ` +
      `${mb(t.bytes)} in ${t.seconds} s (${t.filesPerSecond} files/s, ${t.mbPerSecond} MB/s)`,
    ];
    const skipped = this.#sorted().filter((r) => r.status === "not-dicom" || r.status === "copied");
    if (skipped.length) {
      out.push(`not DICOM (${skipped.length}):`, ...limited(skipped.map((r) => `  ${r.rel}`)));
    }
    const held = this.#sorted().filter((r) => r.status === "held-back");
    if (held.length) {
      out.push(
        `held back, originals untouched (${held.length}):`,
        ...limited(held.map((r) => `  ${r.rel}: ${r.error}`)),
      );
    }
    const flagged = this.#sorted().filter((r) => r.report?.pixels === "flagged");
    if (flagged.length) {
      out.push(
        `written but may carry burned-in text, (0028,0301) not NO (${flagged.length}):`,
        ...limited(flagged.map((r) => `  ${r.rel}`)),
      );
    }
    if (dryRun) {
      const actions = Object.entries(t.actions).sort((a, b) => b[1] - a[1]);
      out.push(`actions: ${actions.map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`);
      out.push(...this.#topTags());
    }
    return out;
  }

  /** Results in input order (they arrive in completion order). */
  #sorted(): FileResult[] {
    return this.#results.toSorted((a, b) => a.id - b.id);
  }

  #topTags(): string[] {
    const tags = new Map<string, number>();
    for (const r of this.#results) {
      for (const t of r.report?.tags ?? []) {
        const key = `${t.tag} ${t.keyword ?? ""} ${t.action}`.replace("  ", " ");
        tags.set(key, (tags.get(key) ?? 0) + t.count);
      }
    }
    const top = [...tags].sort((a, b) => b[1] - a[1]).slice(0, LIST_LIMIT);
    return top.length
      ? ["most changed (tag, keyword, action, count):", ...top.map(([k, n]) => `  ${k} ${n}`)]
      : [];
  }
}

function limited(lines: string[]): string[] {
  if (lines.length <= LIST_LIMIT) return lines;
  return [
    ...lines.slice(0, LIST_LIMIT),
    `  … and ${lines.length - LIST_LIMIT} more (see --report)`,
  ];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
