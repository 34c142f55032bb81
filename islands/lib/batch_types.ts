/**
 * What the server tells the batch screens (routes/pages/batch_data.ts builds it): counts,
 * sizes and times per batch, status and reason per file. Plain JSON, no DICOM value.
 */

/** File counts per status, as the batch API names them. */
export interface BatchCounts {
  processing: number;
  done: number;
  rejected: number;
  /** Not stored: burned-in annotation, or pixels a Clean Pixel Data rule could not clean. */
  "held-back": number;
  failed: number;
}

/** One batch as the list shows it. */
export interface BatchSummary {
  id: string;
  /** The settings query string the batch was created with. */
  settings: string;
  createdAt: number;
  expiresAt: number;
  counts: BatchCounts;
  bytesIn: number;
  bytesOut: number;
}

/** One file of an opened batch. */
export interface BatchFileView {
  path: string;
  status: keyof BatchCounts;
  bytesIn: number;
  bytesOut: number;
  /** Why it was skipped or failed: message, tag and offset, never a value. */
  error?: { message: string; tag?: string; offset?: number };
}

/** "4 done · 1 skipped · 0 failed" (+ "2 in progress" when any). */
export function describeCounts(c: BatchCounts): string {
  const parts = [`${c.done} done`, `${c.rejected} skipped`, `${c.failed} failed`];
  if (c["held-back"]) parts.splice(2, 0, `${c["held-back"]} held back`);
  if (c.processing) parts.push(`${c.processing} in progress`);
  return parts.join(" · ");
}
