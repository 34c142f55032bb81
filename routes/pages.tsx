/**
 * The browser screens, rendered on the server (Preact) with small hydrated islands:
 * `GET /` (sign-in, or the Anonymize screen), `/batches`, `/batches/:id`, `/status`, the
 * status JSON for the Status island (`GET /api/status`) and the no-JS upload (`POST /upload`).
 * Screens for a signed-out visitor send them to the sign-in page.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { readCookie, SESSION_COOKIE } from "../core/auth/authenticate.ts";
import type { ServerContext } from "./context.ts";
import { requireAuth } from "./_middleware/auth.ts";
import type { AppEnv } from "./_middleware/env.ts";
import { batchDetail, batchSummaries } from "./pages/batch_data.ts";
import {
  anonymizePageHtml,
  batchesPageHtml,
  batchPageHtml,
  loginPageHtml,
  missingBatchHtml,
  type PageSession,
  statusPageHtml,
} from "./pages/screens.tsx";
import { collectStatus } from "./pages/status_data.ts";
import { uploadFormRoutes } from "./upload_form.ts";

export { loginPageHtml };

/** The session of a page request, or null. */
export async function pageSession(
  ctx: ServerContext,
  c: Context<AppEnv>,
): Promise<PageSession | null> {
  const session = await ctx.sessions.get(readCookie(c.req.header("cookie"), SESSION_COOKIE));
  return session ? { account: session.account, csrf: session.csrf } : null;
}

/** The page routes. */
export function pageRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/", async (c) => {
    const session = await pageSession(ctx, c);
    return c.html(session ? anonymizePageHtml(session) : loginPageHtml());
  });

  app.get("/batches", async (c) => {
    const session = await pageSession(ctx, c);
    if (!session) return c.redirect("/", 303);
    return c.html(batchesPageHtml(session, await batchSummaries(ctx), ctx.clock()));
  });

  app.get("/batches/:id", async (c) => {
    const session = await pageSession(ctx, c);
    if (!session) return c.redirect("/", 303);
    const found = await batchDetail(ctx, c.req.param("id"));
    if (!found) return c.html(missingBatchHtml(session), 404);
    return c.html(batchPageHtml(session, found.batch, found.files, ctx.clock()));
  });

  app.get("/status", async (c) => {
    const session = await pageSession(ctx, c);
    if (!session) return c.redirect("/", 303);
    return c.html(statusPageHtml(session, await collectStatus(ctx)));
  });

  app.get("/api/status", requireAuth(ctx), async (c) => c.json(await collectStatus(ctx)));

  app.route("/", uploadFormRoutes(ctx));
  return app;
}
