/**
 * `/api/batches…`, what the UI uses: create a batch (query = anonymization settings), PUT
 * files with their relative paths (anonymized while they stream to disk), poll the batch for
 * status, download one file or the whole batch as a ZIP streamed by client-zip (no temp ZIP),
 * delete. Progress is polled with `GET /api/batches/:id` rather than pushed over SSE: it is
 * simple, any replica can answer from KV, and no long-lived connection has to survive proxies
 * (Traefik idle timeouts, buffering) or pin a client to one replica.
 */
import { finishBody, uploadBody } from "./raw_body.ts";
import { Hono } from "hono";
import { makeZip } from "client-zip";
import { UnsafePathError } from "../core/limits/errors.ts";
import { safePathFromUrl } from "../core/limits/safe_path.ts";
import type { BatchFile, BatchMeta } from "../core/batches/store.ts";
import type { ServerContext } from "./context.ts";
import { requireAuth } from "./_middleware/auth.ts";
import type { AppEnv } from "./_middleware/env.ts";
import { annotate } from "./_middleware/request_log.ts";
import { previewHandler } from "./batch_preview.ts";
import { VERSION } from "../cli/usage.ts";

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATUS_CODE = {
  done: 201,
  rejected: 415,
  "held-back": 422,
  failed: 422,
  processing: 202,
} as const;

/** The batch routes, mounted at `/api/batches`. */
export function batchRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const batches = ctx.batches;
  app.use("*", requireAuth(ctx));

  /** A live batch by the `:id` parameter, or null. */
  const batchOf = async (id: string): Promise<BatchMeta | null> => {
    if (!ID.test(id)) return null;
    return await batches.store.get(id);
  };
  const notFound = { error: "No such batch (or it has expired)" };

  app.post("/", async (c) => {
    const meta = await batches.create(new URL(c.req.url).searchParams);
    annotate(c.env.incoming, { batch: meta.id });
    return c.json(view(meta, []), 201, { location: `/api/batches/${meta.id}` });
  });

  app.get("/", async (c) => c.json({ batches: (await batches.store.live()).map((b) => view(b)) }));

  app.get("/:id", async (c) => {
    const meta = await batchOf(c.req.param("id"));
    if (!meta) return c.json(notFound, 404);
    annotate(c.env.incoming, { batch: meta.id });
    return c.json(view(meta, await batches.store.files(meta.id)));
  });

  app.put("/:id/files/*", async (c) => {
    const meta = await batchOf(c.req.param("id"));
    if (!meta) return c.json(notFound, 404);
    annotate(c.env.incoming, { batch: meta.id });
    const path = filePathOf(c.req.url, meta.id);
    const length = c.req.header("content-length");
    const body = uploadBody(c.env.incoming, c.req.raw.body) ?? (async function* () {})();
    let file;
    try {
      file = await batches.upload(meta, path, body, length ? Number(length) : undefined);
    } finally {
      finishBody(c.env.incoming);
    }
    const answer = file.status === "done" ? { file } : { error: file.error?.message, file };
    return c.json(answer, STATUS_CODE[file.status]);
  });

  app.get("/:id/files/*", async (c) => {
    const meta = await batchOf(c.req.param("id"));
    if (!meta) return c.json(notFound, 404);
    annotate(c.env.incoming, { batch: meta.id });
    const path = filePathOf(c.req.url, meta.id);
    const rec = await batches.store.getFile(meta.id, path);
    if (rec?.status !== "done") return c.json({ error: "No such file in this batch" }, 404);
    const file = await Deno.open(batches.disk.filePath(meta.id, path));
    const { size } = await file.stat();
    return new Response(file.readable, {
      headers: {
        "content-type": "application/dicom",
        "content-length": String(size),
        "content-disposition": attachment((rec.outputPath ?? path).split("/").pop()!),
      },
    });
  });

  app.get("/:id/preview/*", previewHandler(ctx, batchOf));

  app.get("/:id/zip", async (c) => {
    const meta = await batchOf(c.req.param("id"));
    if (!meta) return c.json(notFound, 404);
    annotate(c.env.incoming, { batch: meta.id });
    const done = (await batches.store.files(meta.id)).filter((f) => f.status === "done");
    async function* entries() {
      for (const f of done) {
        const file = await Deno.open(batches.disk.filePath(meta!.id, f.path));
        yield {
          name: f.outputPath ?? f.path,
          lastModified: new Date(f.updatedAt),
          size: f.bytesOut,
          input: file.readable,
        };
      }
    }
    return new Response(makeZip(entries()), {
      headers: {
        "content-type": "application/zip",
        "content-disposition": attachment(`batch-${meta.id}.zip`),
      },
    });
  });

  // The batch's signed compliance manifest (docs/manifest.md), built from the stored records.
  app.get("/:id/manifest", async (c) => {
    const meta = await batchOf(c.req.param("id"));
    if (!meta) return c.json(notFound, 404);
    annotate(c.env.incoming, { batch: meta.id });
    const files = await batches.store.files(meta.id);
    if (files.some((f) => f.status === "processing")) {
      return c.json({ error: "Files are still being processed; try again when done" }, 409);
    }
    return new Response(await batches.manifests.stream(meta, files, VERSION), {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": attachment(`batch-${meta.id}-manifest.jsonl`),
      },
    });
  });

  app.delete("/:id", async (c) => {
    const id = c.req.param("id");
    if (!(await batchOf(id))) return c.json(notFound, 404);
    annotate(c.env.incoming, { batch: id });
    await batches.remove(id);
    return c.body(null, 204);
  });
  return app;
}

/** The batch's public view: settings, lifetime, counts per status and (optionally) files. */
function view(meta: BatchMeta, files?: BatchFile[]) {
  const counts = { processing: 0, done: 0, rejected: 0, "held-back": 0, failed: 0 };
  for (const f of files ?? []) counts[f.status]++;
  return {
    id: meta.id,
    settings: meta.params,
    createdAt: new Date(meta.createdAt).toISOString(),
    expiresAt: new Date(meta.expiresAt).toISOString(),
    ...(files ? { counts, files } : {}),
  };
}

/** The relative file path after `/api/batches/<id>/files/`, from the still-encoded URL. */
function filePathOf(url: string, id: string): string {
  const pathname = new URL(url).pathname;
  const prefix = `/api/batches/${id}/files/`;
  if (!pathname.startsWith(prefix)) throw new UnsafePathError("malformed file URL");
  return safePathFromUrl(pathname.slice(prefix.length));
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
