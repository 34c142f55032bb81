/**
 * The Anonymize screen's file list: totals, then one row per file with its state (queued,
 * uploading with a percentage, anonymizing, done, skipped, failed) and a plain reason.
 */
import { formatBytes } from "./format.ts";
import { fileUrl } from "./upload.ts";
import type { FileItem } from "./use_uploads.ts";

const LABEL: Record<FileItem["state"], string> = {
  queued: "Queued",
  uploading: "Uploading",
  anonymizing: "Anonymizing",
  done: "Done",
  skipped: "Skipped",
  failed: "Failed",
};

/** Counts per state, for the summary line. */
export function countStates(items: readonly FileItem[]): Record<FileItem["state"], number> {
  const n = { queued: 0, uploading: 0, anonymizing: 0, done: 0, skipped: 0, failed: 0 };
  for (const i of items) n[i.state]++;
  return n;
}

/** Summary, batch links and per-file rows. */
export function FileList({ items }: { items: readonly FileItem[] }) {
  if (!items.length) return <p class="hint empty-list">No files yet.</p>;
  const n = countStates(items);
  const working = n.queued + n.uploading + n.anonymizing;
  const batches = [...new Set(items.map((i) => i.batchId).filter((b): b is string => !!b))];
  return (
    <section class="results" aria-label="Files">
      <p class="summary" role="status" data-testid="summary">
        {working
          ? `Working: ${working} of ${items.length} files left. `
          : `All ${items.length} files handled. `}
        {n.done} done, {n.skipped} skipped, {n.failed} failed.
      </p>
      {batches.map((id) => (
        <p class="batch-links" key={id}>
          <a class="button" href={`/api/batches/${id}/zip`} download>Download all as ZIP</a>{" "}
          <a href={`/batches/${id}`}>Open batch {id.slice(0, 8)}</a>
        </p>
      ))}
      <ul class="files">
        {items.map((i) => (
          <li key={i.key} class={`file ${i.state}`} data-state={i.state}>
            <span class="path" title={i.path}>{i.path}</span>
            <span class="size">{formatBytes(i.size)}</span>
            <span class={`badge ${i.state}`}>
              {LABEL[i.state]}
              {i.state === "uploading" ? ` ${i.percent}%` : ""}
            </span>
            {i.state === "uploading" && (
              <progress max={100} value={i.percent} aria-label={`Upload of ${i.path}`} />
            )}
            {i.reason && <span class="reason">{i.reason}</span>}
            {i.state === "done" && i.batchId && (
              <a class="download" href={fileUrl(i.batchId, i.path)} download>
                Download<span class="sr-only">{i.path}</span>
              </a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
