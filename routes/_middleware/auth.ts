/**
 * Hono middleware around the shared `authenticate()`: client facts for every request, and a
 * guard for routes that need a bearer token or a session (plus CSRF for unsafe methods).
 */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { authenticate, type AuthOutcome } from "../../core/auth/authenticate.ts";
import { CSRF_HEADER } from "../../core/auth/csrf.ts";
import { selfOrigin } from "../../core/net/forwarded.ts";
import type { ServerContext } from "../context.ts";
import { nodeClientFacts } from "./client.ts";
import type { AppEnv } from "./env.ts";
import { annotate } from "./request_log.ts";

/** Status, body and headers for a refused request; shared with the raw streaming route. */
export function authFailure(reason: Extract<AuthOutcome, { ok: false }>["reason"]) {
  if (reason === "unauthenticated") {
    return {
      status: 401 as const,
      body: { error: "Authentication required: a bearer token or a session" },
      headers: { "www-authenticate": 'Bearer realm="deid"' } as Record<string, string>,
    };
  }
  const error = reason === "csrf"
    ? `Missing or wrong CSRF token (${CSRF_HEADER} header or csrf form field)`
    : "Cross-site request refused";
  return { status: 403 as const, body: { error }, headers: {} as Record<string, string> };
}

/** Sets `client` (IP, scheme, host) and records the matched route for the request log. */
export function clientInfo(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("client", nodeClientFacts(c.env.incoming, ctx.proxies));
    try {
      await next();
    } finally {
      const route = routePath(c, -1);
      annotate(c.env.incoming, { route: route === "/*" || route === "*" ? undefined : route });
    }
  };
}

/** Refuses the request unless it carries a valid bearer token or session (+ CSRF). */
export function requireAuth(ctx: ServerContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const outcome = await authenticate({
      method: c.req.method,
      authorization: c.req.header("authorization"),
      cookie: c.req.header("cookie"),
      origin: c.req.header("origin"),
      secFetchSite: c.req.header("sec-fetch-site"),
      csrfToken: c.req.header(CSRF_HEADER),
      selfOrigin: selfOrigin(c.get("client")),
    }, ctx);
    if (!outcome.ok) {
      const f = authFailure(outcome.reason);
      return c.json(f.body, f.status, f.headers);
    }
    c.set("auth", outcome);
    await next();
  };
}
