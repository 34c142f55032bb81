/**
 * The batch list: counts, sizes, age and expiry of every live batch, with open, download and
 * delete. The server renders it complete; hydration adds delete (which needs `DELETE`).
 */
import { useEffect, useState } from "preact/hooks";
import { BatchActions } from "./lib/batch_actions.tsx";
import { type BatchSummary, describeCounts } from "./lib/batch_types.ts";
import { formatBytes, formatDuration } from "./lib/format.ts";
import { describeSettings } from "./lib/settings.ts";

/** Props: the batches, the server's clock at rendering, the session's CSRF token. */
export interface BatchesProps {
  batches: BatchSummary[];
  now: number;
  csrf: string;
}

/** The Batches island. */
export default function Batches(props: BatchesProps) {
  const [batches, setBatches] = useState(props.batches);
  const [enhanced, setEnhanced] = useState(false);
  const [notice, setNotice] = useState("");
  useEffect(() => setEnhanced(true), []);

  if (!batches.length) {
    return (
      <div>
        {notice && <p role="status" class="ok">{notice}</p>}
        <p class="card">
          No batches yet. Add files on the <a href="/">Anonymize</a> screen.
        </p>
      </div>
    );
  }
  return (
    <div>
      <p role="status" class={notice ? "ok" : "empty"}>{notice}</p>
      <ul class="batches">
        {batches.map((b) => {
          const total = b.counts.done + b.counts.rejected + b.counts["held-back"] +
            b.counts.failed + b.counts.processing;
          return (
            <li class="card batch" key={b.id} data-batch={b.id}>
              <h2>
                <a href={`/batches/${b.id}`}>Batch {b.id.slice(0, 8)}</a>
              </h2>
              <dl class="facts">
                <dt>Files</dt>
                <dd>{total} ({describeCounts(b.counts)})</dd>
                <dt>Size</dt>
                <dd>{formatBytes(b.bytesOut)} anonymized, from {formatBytes(b.bytesIn)}</dd>
                <dt>Created</dt>
                <dd>{formatDuration(props.now - b.createdAt)} ago</dd>
                <dt>Expires</dt>
                <dd>in {formatDuration(b.expiresAt - props.now)}</dd>
                <dt>Settings</dt>
                <dd>{describeSettings(b.settings)}</dd>
              </dl>
              <BatchActions
                id={b.id}
                csrf={props.csrf}
                enhanced={enhanced}
                onDeleted={() => {
                  setBatches((list) => list.filter((x) => x.id !== b.id));
                  setNotice(`Batch ${b.id.slice(0, 8)} deleted.`);
                }}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
