/**
 * One opened batch: its facts, a preview and a download link per anonymized file, the reason
 * for each skipped or failed one, the whole batch as a ZIP, and delete.
 */
import { useEffect, useState } from "preact/hooks";
import { BatchActions } from "./lib/batch_actions.tsx";
import { type BatchFileView, type BatchSummary, describeCounts } from "./lib/batch_types.ts";
import { formatBytes, formatDuration } from "./lib/format.ts";
import { describeSettings } from "./lib/settings.ts";
import { fileUrl } from "./lib/upload.ts";
import { PreviewThumb } from "./lib/preview_thumb.tsx";

/** Props: the batch, its files, the server's clock at rendering, the CSRF token. */
export interface BatchViewProps {
  batch: BatchSummary;
  files: BatchFileView[];
  now: number;
  csrf: string;
}

const STATUS = {
  done: "Done",
  rejected: "Skipped",
  "held-back": "Held back",
  failed: "Failed",
  processing: "In progress",
};

function reasonOf(f: BatchFileView): string {
  if (!f.error) return "";
  if (f.status === "rejected" && f.error.message.startsWith("Not DICOM")) return "Not a DICOM file";
  const at = f.error.tag ? ` (tag ${f.error.tag})` : "";
  return f.error.message + at;
}

/** The BatchView island. */
export default function BatchView({ batch: b, files, now, csrf }: BatchViewProps) {
  const [enhanced, setEnhanced] = useState(false);
  useEffect(() => setEnhanced(true), []);
  const thumbnail = (f: BatchFileView, position: number) =>
    f.status === "done"
      ? <PreviewThumb batchId={b.id} path={f.path} position={position} enhanced={enhanced} />
      : <span class="preview" />;
  return (
    <div>
      <div class="card">
        <dl class="facts">
          <dt>Files</dt>
          <dd>{files.length} ({describeCounts(b.counts)})</dd>
          <dt>Size</dt>
          <dd>{formatBytes(b.bytesOut)} anonymized, from {formatBytes(b.bytesIn)}</dd>
          <dt>Created</dt>
          <dd>{formatDuration(now - b.createdAt)} ago</dd>
          <dt>Expires</dt>
          <dd>in {formatDuration(b.expiresAt - now)}</dd>
          <dt>Settings</dt>
          <dd>{describeSettings(b.settings)}</dd>
          <dt>Audit</dt>
          <dd>
            <a class="manifest" href={`/api/batches/${b.id}/manifest`} download>
              Download manifest
            </a>{" "}
            (signed record of every file and action, no patient data)
          </dd>
        </dl>
        <BatchActions
          id={b.id}
          csrf={csrf}
          enhanced={enhanced}
          onDeleted={() => location.assign("/batches")}
        />
      </div>
      {files.length === 0 ? <p class="card">This batch has no files.</p> : (
        <ul class="files">
          {files.map((f, i) => (
            <li key={f.path} class={`file ${f.status}`} data-state={f.status}>
              {thumbnail(f, i + 1)}
              <span class="path" title={f.path}>{f.path}</span>
              <span class="size">{formatBytes(f.status === "done" ? f.bytesOut : f.bytesIn)}</span>
              <span class={`badge ${f.status}`}>{STATUS[f.status]}</span>
              {f.error && <span class="reason">{reasonOf(f)}</span>}
              {f.status === "done" && (
                <a class="download" href={fileUrl(b.id, f.path)} download>
                  Download<span class="sr-only">{f.path}</span>
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
