/**
 * `GET /static/*` and `/favicon.ico` from the `static/` folder (also inside a compiled binary,
 * which embeds it with `--include static`). Hashed bundle chunks are cached for a year; every
 * other file is revalidated by ETag, so a rebuilt island shows up on the next load.
 */
import { createHash } from "node:crypto";
import { extname } from "node:path";
import { Hono } from "hono";
import { safePathFromUrl } from "../core/limits/safe_path.ts";
import type { AppEnv } from "./_middleware/env.ts";

const ROOT = new URL("../static/", import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

/** Cache policy by file name: content-hashed chunks never change under the same name. */
export function cacheControl(path: string): string {
  if (/^build\/chunk-[A-Z0-9]+\.js$/.test(path)) return "public, max-age=31536000, immutable";
  return "no-cache";
}

/** The static file routes. */
export function staticRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/favicon.ico", (c) => serve(c.req.raw, "favicon.svg"));
  app.get("/static/*", (c) => {
    let path: string;
    try {
      path = safePathFromUrl(new URL(c.req.url).pathname.slice("/static/".length));
    } catch {
      return c.json({ error: "Not found" }, 404);
    }
    return serve(c.req.raw, path);
  });
  return app;
}

async function serve(req: Request, path: string): Promise<Response> {
  const type = TYPES[extname(path)];
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    if (!type) throw new Deno.errors.NotFound();
    bytes = await Deno.readFile(new URL(path, ROOT));
  } catch {
    return Response.json({ error: "Not found" }, { status: 404 });
  }
  // Static files are small (tens of KB): hashing them per request is cheaper than a cache.
  const etag = `"${createHash("sha1").update(bytes).digest("base64url")}"`;
  const headers = { etag, "cache-control": cacheControl(path), "content-type": type };
  if (req.headers.get("if-none-match") === etag) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(bytes, { headers });
}
