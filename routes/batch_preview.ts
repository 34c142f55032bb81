/**
 * `GET /api/batches/:id/preview/<path>[?size=large]`: the preview of one anonymized file of a
 * batch — a PNG of its first frame (256 px on the longer side, 1024 with `size=large`), or an
 * SVG saying why there is none. Same authentication as the downloads (the batch router's
 * guard). Rendered from the stored output only, once (core/preview/service.ts); answers carry
 * an ETag and `Cache-Control: private, no-cache`, so a browser revalidates (304) and never
 * shows the preview of a file that was since replaced.
 */
import type { Context } from "hono";
import { safePathFromUrl } from "../core/limits/safe_path.ts";
import { UnsafePathError } from "../core/limits/errors.ts";
import type { BatchMeta } from "../core/batches/store.ts";
import { placeholderSvg } from "../core/preview/placeholder.ts";
import { outputVersion, PREVIEW_SIZES, type PreviewSize } from "../core/preview/service.ts";
import type { ServerContext } from "./context.ts";
import type { AppEnv } from "./_middleware/env.ts";
import { annotate } from "./_middleware/request_log.ts";

/** The handler, given the batch router's lookup of a live batch by id. */
export function previewHandler(
  ctx: ServerContext,
  batchOf: (id: string) => Promise<BatchMeta | null>,
) {
  return async (c: Context<AppEnv>) => {
    const meta = await batchOf(c.req.param("id") ?? "");
    if (!meta) return c.json({ error: "No such batch (or it has expired)" }, 404);
    annotate(c.env.incoming, { batch: meta.id });
    const size = sizeOf(c.req.query("size"));
    const path = previewPathOf(c.req.url, meta.id);
    const rec = await ctx.batches.store.getFile(meta.id, path);
    if (rec?.status !== "done") return c.json({ error: "No such file in this batch" }, 404);
    const output = ctx.batches.disk.filePath(meta.id, path);
    const version = await outputVersion(output).catch(() => undefined);
    if (version === undefined) return c.json({ error: "No such file in this batch" }, 404);
    const key = { path, version, size };
    const etag = `"${ctx.previews.etagOf(key)}"`;
    const cache = { "cache-control": "private, no-cache" };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, { ...cache, etag });
    const batchDir = ctx.batches.disk.dir(meta.id);
    const answer = await ctx.previews.get({ ...key, batchDir, output });
    if (answer.kind === "none" && answer.failure) {
      ctx.log("error", "preview failed", { batch: meta.id, error: answer.failure });
    }
    const headers: Record<string, string> = {
      ...cache,
      ...(answer.etag ? { etag: `"${answer.etag}"` } : {}),
    };
    if (answer.kind === "png") {
      return c.body(answer.png.slice().buffer, 200, { ...headers, "content-type": "image/png" });
    }
    // An image all the same, so an <img> shows the reason; the header tells scripts.
    return c.body(placeholderSvg(answer.reason, PREVIEW_SIZES[size]), 200, {
      ...headers,
      "content-type": "image/svg+xml; charset=utf-8",
      "x-preview-unavailable": encodeURIComponent(answer.reason),
    });
  };
}

function sizeOf(raw: string | undefined): PreviewSize {
  if (raw === undefined || raw === "thumb") return "thumb";
  if (raw === "large") return "large";
  throw new RangeError('size must be "thumb" or "large"');
}

/** The relative file path after `/api/batches/<id>/preview/`, from the still-encoded URL. */
function previewPathOf(url: string, id: string): string {
  const pathname = new URL(url).pathname;
  const prefix = `/api/batches/${id}/preview/`;
  if (!pathname.startsWith(prefix)) throw new UnsafePathError("malformed preview URL");
  return safePathFromUrl(pathname.slice(prefix.length));
}
