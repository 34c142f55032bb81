/**
 * Health for the administrator: version, uptime, disk use of the data directory and active
 * batches. Server-rendered; hydrated, it refreshes from `GET /api/status` every 10 s.
 */
import { useEffect, useState } from "preact/hooks";
import { getJson } from "./lib/api.ts";
import { formatBytes, formatDuration } from "./lib/format.ts";

/** The facts `GET /api/status` answers. */
export interface StatusInfo {
  version: string;
  deno: string;
  uptimeMs: number;
  dataDir: string;
  /** Bytes of every file under the data dir (KV file and batches). */
  dataBytes: number;
  /** Free and total bytes of the file system holding the data dir, when known. */
  diskFree: number | null;
  diskTotal: number | null;
  activeBatches: number;
  batchFiles: number;
  /** True when `/ready` would pass: KV writable and the data dir writable. */
  ready: boolean;
}

const REFRESH_MS = 10_000;

/** The Status island. */
export default function Status(props: { status: StatusInfo }) {
  const [s, setS] = useState(props.status);
  const [stale, setStale] = useState("");
  const [live, setLive] = useState(false);
  useEffect(() => {
    setLive(true);
    const timer = setInterval(async () => {
      const r = await getJson<StatusInfo>("/api/status");
      if (r.ok) {
        setS(r.value);
        setStale("");
      } else setStale(`Could not refresh: ${r.error}`);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const used = s.diskTotal !== null && s.diskFree !== null ? s.diskTotal - s.diskFree : null;
  return (
    <div class="card">
      <dl class="facts status">
        <dt>State</dt>
        <dd>
          <span class={`badge ${s.ready ? "done" : "failed"}`}>
            {s.ready ? "Ready" : "Not ready"}
          </span>
        </dd>
        <dt>Version</dt>
        <dd>deid {s.version} (Deno {s.deno})</dd>
        <dt>Uptime</dt>
        <dd>{formatDuration(s.uptimeMs)}</dd>
        <dt>Data directory</dt>
        <dd>
          <code>{s.dataDir}</code>: {formatBytes(s.dataBytes)}
        </dd>
        <dt>Disk</dt>
        <dd>
          {used === null
            ? "unknown"
            : `${formatBytes(s.diskFree!)} free of ${formatBytes(s.diskTotal!)}`}
        </dd>
        {used !== null && s.diskTotal! > 0 && (
          <dd>
            <meter
              min={0}
              max={s.diskTotal!}
              value={used}
              high={s.diskTotal! * 0.9}
              aria-label="Disk used"
            />
          </dd>
        )}
        <dt>Active batches</dt>
        <dd>
          {s.activeBatches} ({s.batchFiles} files)
        </dd>
      </dl>
      <p class="hint" role="status">
        {stale || (live ? "Refreshes every 10 seconds." : "Reload the page for fresh figures.")}
      </p>
    </div>
  );
}
