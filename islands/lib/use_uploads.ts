/**
 * The upload queue of the Anonymize island: files are queued as they are found and sent a few
 * at a time into the current batch, which is created (and its settings validated by the
 * server) on first need. New settings mean a new batch for the files added afterwards.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { createBatch } from "./api.ts";
import type { Found } from "./entry_walker.ts";
import { type FileState, putFile } from "./upload.ts";

/** One row of the file list. */
export interface FileItem {
  readonly key: number;
  readonly path: string;
  readonly size: number;
  readonly state: FileState;
  readonly percent: number;
  readonly reason?: string;
  readonly batchId?: string;
}

/** Uploads running at once: enough to hide latency, few enough to show steady progress. */
const CONCURRENCY = 3;

interface Job {
  key: number;
  path: string;
  file: File;
}

/** Queue state and actions for the settings `query` (a URL query string). */
export function useUploads(query: string, csrf: string) {
  const [items, setItems] = useState<FileItem[]>([]);
  const [error, setError] = useState("");
  const [accepted, setAccepted] = useState(false);
  const queue = useRef<Job[]>([]);
  const active = useRef(0);
  const nextKey = useRef(1);
  const paused = useRef(false);
  const current = useRef<{ query: string; id: Promise<string | null> } | null>(null);
  const queryNow = useRef(query);
  queryNow.current = query;

  const update = (key: number, patch: Partial<FileItem>) =>
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  const ensureBatch = (): Promise<string | null> => {
    const q = queryNow.current;
    if (current.current?.query === q) return current.current.id;
    const id = createBatch(q, csrf).then((r) => {
      if (r.ok) {
        setError("");
        setAccepted(true);
        return r.value.id;
      }
      setError(r.error);
      current.current = null;
      return null;
    });
    current.current = { query: q, id };
    return id;
  };

  const run = async (job: Job) => {
    const id = await ensureBatch();
    if (id === null) {
      queue.current.unshift(job); // wait for settings the server accepts
      paused.current = true;
      return;
    }
    update(job.key, { state: "uploading", percent: 0, batchId: id });
    let shown = 0;
    const out = await putFile(id, job.path, job.file, csrf, {
      onProgress: (p) => {
        if (p - shown < 2 && p < 100) return; // fewer re-renders on fast links
        shown = p;
        update(job.key, { percent: p });
      },
      onSent: () => update(job.key, { state: "anonymizing", percent: 100 }),
    });
    update(job.key, { state: out.state, reason: out.reason });
  };

  const pump = () => {
    while (!paused.current && active.current < CONCURRENCY && queue.current.length) {
      const job = queue.current.shift()!;
      active.current++;
      run(job).finally(() => {
        active.current--;
        pump();
      });
    }
  };

  // Changed settings may be the fix for a refused batch: try again with them.
  useEffect(() => {
    setAccepted(false);
    paused.current = false;
    pump();
  }, [query]);

  const add = (found: Found[]) => {
    const rows: FileItem[] = found.map((f) => {
      const key = nextKey.current++;
      if ("error" in f) {
        return { key, path: f.path, size: 0, state: "failed", percent: 0, reason: f.error };
      }
      queue.current.push({ key, path: f.path, file: f.file });
      return { key, path: f.path, size: f.file.size, state: "queued", percent: 0 };
    });
    setItems((list) => [...list, ...rows]);
    pump();
  };

  /** Validates the settings now (creating the batch that the next files go to). */
  const check = () => ensureBatch();

  /** Clears the list; files added next go to a new batch. */
  const reset = () => {
    queue.current = [];
    current.current = null;
    setItems((list) => list.filter((i) => i.state === "uploading" || i.state === "anonymizing"));
  };

  return { items, error, accepted, add, check, reset };
}
