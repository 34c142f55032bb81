/**
 * The Hono application: every route except the streaming hot path `POST /api/anonymize`,
 * which `serve.ts` hands to a raw node:http handler (see the comment there).
 */
import { Hono } from "hono";
import type { ServerContext } from "./context.ts";
import { clientInfo } from "./_middleware/auth.ts";
import type { AppEnv } from "./_middleware/env.ts";
import { clientAborted, errorLogFields, httpErrorOf } from "./_middleware/errors.ts";
import { annotate } from "./_middleware/request_log.ts";
import { batchRoutes } from "./batches.ts";
import { crosswalkRoutes } from "./crosswalk.tsx";
import { healthRoutes } from "./health.ts";
import { pageRoutes } from "./pages.ts";
import { sessionRoutes } from "./session.ts";
import { staticRoutes } from "./static.ts";

/** Builds the app for a server context. */
export function createApp(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", clientInfo(ctx));
  app.route("/", healthRoutes(ctx));
  app.route("/", staticRoutes());
  app.route("/", sessionRoutes(ctx));
  app.route("/", pageRoutes(ctx));
  app.route("/api/batches", batchRoutes(ctx));
  app.route("/", crosswalkRoutes(ctx));
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  app.onError((err, c) => {
    const mapped = httpErrorOf(err);
    annotate(c.env.incoming, { error: err.name });
    // A client that hung up mid-upload is not a server error (its request line says so).
    const aborted = clientAborted(c.env.incoming);
    if (!mapped.expected && !aborted) ctx.log("error", "unhandled error", errorLogFields(err));
    return c.json(mapped.body, mapped.status as 400);
  });
  return app;
}
