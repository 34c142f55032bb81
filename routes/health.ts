/**
 * Liveness and readiness for Docker and Traefik. `/health` answers while the process runs;
 * `/ready` also proves that KV accepts a write and the data directory is writable, so a
 * replica with a full disk or a locked-out remote KV leaves the load balancer.
 */
import { Hono } from "hono";
import { join } from "node:path";
import { withKvRetry } from "../core/kv/retry.ts";
import type { ServerContext } from "./context.ts";
import type { AppEnv } from "./_middleware/env.ts";

/** `GET /health`, `GET /ready`. */
export function healthRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/ready", async (c) => {
    const [kv, disk] = await Promise.all([
      probe(() => kvWritable(ctx)),
      probe(() => dirWritable(ctx)),
    ]);
    const ok = kv && disk;
    return c.json({ status: ok ? "ready" : "not ready", kv, disk }, ok ? 200 : 503);
  });
  return app;
}

async function probe(check: () => Promise<void>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

async function kvWritable(ctx: ServerContext): Promise<void> {
  const key = ["ready", crypto.randomUUID()];
  await withKvRetry(() => ctx.kv.set(key, ctx.clock(), { expireIn: 60_000 }));
  await withKvRetry(() => ctx.kv.delete(key));
}

async function dirWritable(ctx: ServerContext): Promise<void> {
  const path = join(ctx.config.dataDir, `.ready-${crypto.randomUUID()}`);
  await Deno.writeTextFile(path, "ok", { createNew: true });
  await Deno.remove(path);
}
