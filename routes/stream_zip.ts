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

/** Handles a ZIP upload after auth and parameters have passed. */
export async function anonymizeZip(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  deid: Deidentifier,
): Promise<void> {
  const max = ctx.config.maxUploadBytes;
  const spooled = await spoolUpload(req, join(ctx.config.dataDir, "tmp"), max);
  try {
    const zip = await openZip(spooled.handle, spooled.size, {
      maxExpandedBytes: max,
      maxEntries: MAX_ENTRIES,
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
