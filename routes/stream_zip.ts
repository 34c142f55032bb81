/**
 * `POST /api/anonymize` with `Content-Type: application/zip`: spool the upload to
 * DATA_DIR/tmp (unlinked as soon as it is reopened, so nothing but outputs persists), read it
 * with zip.js, and stream back a ZIP of the de-identified entries made by client-zip.
 * Errors before the first output byte are JSON; after it the connection is broken.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { spoolUpload } from "../core/archive/spool.ts";
import { openZip } from "../core/archive/zip_in.ts";
import { anonymizeZip as anonymizeEntries } from "../core/archive/zip_out.ts";
import type { Deidentifier } from "../core/deid/mod.ts";
import type { ServerContext } from "./context.ts";
import { replyError, sendJson } from "./_middleware/node_reply.ts";

const MAX_ENTRIES = 10_000;
// The CLI's zip-bomb rule (cli/zip_source.ts): above 1 GiB declared, at most 100:1 overall.
// Real DICOM rarely deflates past 10:1; a bomb's whole point is a far larger ratio.
const MAX_RATIO = 100;
const RATIO_FLOOR_BYTES = 1024 ** 3;

/** Where ZIP uploads are spooled: DATA_DIR/tmp (swept at start-up, see serve.ts). */
export function spoolDir(ctx: ServerContext): string {
  return join(ctx.config.dataDir, "tmp");
}

/** Handles a ZIP upload after auth and parameters have passed. */
export async function anonymizeZip(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  deid: Deidentifier,
): Promise<void> {
  const max = ctx.config.maxUploadBytes;
  const spooled = await spoolUpload(req, spoolDir(ctx), max, ctx.openTemp);
  try {
    const zip = await openZip(spooled.handle, spooled.size, {
      maxExpandedBytes: max,
      maxEntries: MAX_ENTRIES,
      maxRatio: MAX_RATIO,
      ratioFloorBytes: RATIO_FLOOR_BYTES,
    });
    try {
      const out = anonymizeEntries(zip.entries, deid, max);
      const reader = out.stream.getReader();
      const first = await reader.read();
      if (out.written() === 0) {
        await reader.cancel().catch(() => {});
        return sendJson(res, 422, { error: "No DICOM file in the archive", skipped: out.skipped });
      }
      res.writeHead(200, {
        "content-type": "application/zip",
        "content-disposition": 'attachment; filename="anonymized.zip"',
      });
      try {
        for (let r = first; !r.done; r = await reader.read()) {
          if (!res.write(r.value)) await drained(res);
        }
        res.end();
      } catch (err) {
        await reader.cancel().catch(() => {});
        replyError(req, res, err, ctx.log);
      }
    } finally {
      await zip.close();
    }
  } finally {
    await spooled.handle.close();
  }
}

/** Resolves on 'drain'; rejects when the client goes away first. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error("client closed the connection"));
    res.once("close", onClose);
    res.once("drain", () => {
      res.off("close", onClose);
      resolve();
    });
  });
}
