/**
 * Authentication for the raw node:http routes (POST /api/anonymize, STOW-RS), which run before
 * Hono: the same rules as the Hono middleware (a bearer token, or a session with its CSRF
 * header from the same origin), answered with the same refusals.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate } from "../../core/auth/authenticate.ts";
import { CSRF_HEADER } from "../../core/auth/csrf.ts";
import { selfOrigin } from "../../core/net/forwarded.ts";
import type { ServerContext } from "../context.ts";
import { authFailure } from "./auth.ts";
import { nodeClientFacts } from "./client.ts";
import { sendRefusal } from "./node_reply.ts";

/** The first value of a request header. */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** True when the POST is allowed; otherwise the refusal (401/403/429) has been sent. */
export async function authenticateRaw(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ServerContext,
): Promise<boolean> {
  const header = (name: string) => headerOf(req, name);
  const outcome = await authenticate({
    method: "POST",
    authorization: header("authorization"),
    cookie: header("cookie"),
    origin: header("origin"),
    secFetchSite: header("sec-fetch-site"),
    csrfToken: header(CSRF_HEADER),
    selfOrigin: selfOrigin(nodeClientFacts(req, ctx.proxies)),
  }, ctx);
  if (outcome.ok) return true;
  const f = authFailure(outcome.reason);
  sendRefusal(req, res, f.status, f.body, f.headers);
  return false;
}
