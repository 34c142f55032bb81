/** The manifest's closing `summary` record: files per status, actions per effect, failures. */
import { FILE_STATUSES, type FileOutcome } from "./records.ts";

/** Counts outcomes as they are recorded. */
export class ManifestTally {
  readonly #files: Record<string, number> = Object.fromEntries(FILE_STATUSES.map((s) => [s, 0]));
  readonly #actions: Record<string, number> = {};
  readonly #failures = new Map<string, number>();

  /** Counts one file. */
  add(f: FileOutcome): void {
    this.#files[f.status] = (this.#files[f.status] ?? 0) + 1;
    for (const [action, n] of Object.entries(f.evidence?.counts ?? {})) {
      this.#actions[action] = (this.#actions[action] ?? 0) + n;
    }
    if (f.status === "failed") {
      const reason = f.reason ?? "unknown";
      this.#failures.set(reason, (this.#failures.get(reason) ?? 0) + 1);
    }
  }

  /** The summary's body: actions by name, failures most frequent first. */
  body(): Record<string, unknown> {
    const actions = Object.fromEntries(
      Object.entries(this.#actions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const failures = [...this.#failures]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([reason, count]) => ({ reason, count }));
    return { files: { ...this.#files }, actions, failures };
  }
}
