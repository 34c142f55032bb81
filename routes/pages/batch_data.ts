/**
 * Batch facts for the batch screens, read straight from the batch service (the list API
 * answers no counts or sizes, and the server can render them with no extra round trip).
 */
import type { BatchFile, BatchMeta } from "../../core/batches/store.ts";
import type { BatchFileView, BatchSummary } from "../../islands/lib/batch_types.ts";
import type { ServerContext } from "../context.ts";

/** Counts and sizes of one batch from its file records. */
export function summarize(meta: BatchMeta, files: readonly BatchFile[]): BatchSummary {
  const counts = { processing: 0, done: 0, rejected: 0, "held-back": 0, failed: 0 };
  let bytesIn = 0;
  let bytesOut = 0;
  for (const f of files) {
    counts[f.status]++;
    bytesIn += f.bytesIn;
    bytesOut += f.bytesOut;
  }
  return {
    id: meta.id,
    settings: meta.params,
    createdAt: meta.createdAt,
    expiresAt: meta.expiresAt,
    counts,
    bytesIn,
    bytesOut,
  };
}

/** Every live batch, newest first, with counts and sizes. */
export async function batchSummaries(ctx: ServerContext): Promise<BatchSummary[]> {
  const live = await ctx.batches.store.live();
  return await Promise.all(
    live.map(async (b) => summarize(b, await ctx.batches.store.files(b.id))),
  );
}

/** One batch and its files, or null when it does not exist or has expired. */
export async function batchDetail(
  ctx: ServerContext,
  id: string,
): Promise<{ batch: BatchSummary; files: BatchFileView[] } | null> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return null;
  const meta = await ctx.batches.store.get(id);
  if (!meta) return null;
  const records = await ctx.batches.store.files(id);
  const files = records.map((f) => ({
    path: f.path,
    status: f.status,
    bytesIn: f.bytesIn,
    bytesOut: f.bytesOut,
    ...(f.error ? { error: { ...f.error } } : {}),
  }));
  return { batch: summarize(meta, records), files };
}
