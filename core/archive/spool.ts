/**
 * Spools an upload to a private temp file (a ZIP's central directory is at its end, so it
 * cannot be read as a stream) and reopens it for random access with the name already
 * unlinked: the bytes vanish when the handle closes, even if the process dies.
 */
import { open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { UploadTooLargeError } from "../limits/errors.ts";
import { openLockedTemp, type OpenTemp, TEMP_SUFFIX } from "../batches/temp_files.ts";

/** A spooled upload: an open handle to an already-unlinked file, and its size. */
export interface Spooled {
  readonly handle: FileHandle;
  readonly size: number;
}

/**
 * Writes `source` to `dir/<random>.part` (0600), at most `maxBytes`, then opens it and removes
 * the name. On any failure the partial file is removed before the error propagates. `openTemp`
 * creates the file (tests inject a full disk).
 */
export async function spoolUpload(
  source: AsyncIterable<Uint8Array>,
  dir: string,
  maxBytes: number,
  openTemp: OpenTemp = openLockedTemp,
): Promise<Spooled> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${crypto.randomUUID()}${TEMP_SUFFIX}`);
  try {
    // Locked while written, so a start-up sweep removes it only if this process died.
    const file = await openTemp(path);
    let size = 0;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > maxBytes) throw new UploadTooLargeError("Upload", maxBytes);
        for (let off = 0; off < chunk.length;) off += await file.write(chunk.subarray(off));
      }
    } finally {
      file.close();
    }
    const handle = await open(path, "r");
    return { handle, size };
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
