/**
 * One authentication decision for both HTTP paths (the raw streaming route and the Hono app):
 * a bearer token from API_TOKENS, or a session cookie, which for state-changing methods must
 * also pass the same-origin check and present the session's CSRF token.
 */
import { csrfMatches, isSafeMethod, isSameOrigin } from "./csrf.ts";
import type { Session, SessionStore } from "./sessions.ts";
import { type ApiTokens, bearerToken } from "./tokens.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "deid_session";

/** What the server knows to authenticate requests. */
export interface AuthContext {
  readonly sessions: SessionStore;
  readonly tokens: ApiTokens;
}

/** The parts of a request authentication looks at (header values as received). */
export interface AuthRequest {
  readonly method: string;
  readonly authorization?: string | null;
  readonly cookie?: string | null;
  readonly origin?: string | null;
  readonly secFetchSite?: string | null;
  /** The CSRF token the request presents (header or form field). */
  readonly csrfToken?: string | null;
  /** This server's origin as the client sees it. */
  readonly selfOrigin: string;
}

/** Who made the request, or why it is refused. */
export type AuthOutcome =
  | { readonly ok: true; readonly via: "token" }
  | { readonly ok: true; readonly via: "session"; readonly id: string; readonly session: Session }
  | { readonly ok: false; readonly reason: "unauthenticated" | "cross-site" | "csrf" };

/**
 * Authenticates a request. A bearer header decides alone (no fallback to the cookie when the
 * token is wrong); bearer requests need no CSRF defence since browsers never add the header.
 */
export async function authenticate(req: AuthRequest, ctx: AuthContext): Promise<AuthOutcome> {
  if (req.authorization) {
    const ok = ctx.tokens.verify(bearerToken(req.authorization));
    return ok ? { ok: true, via: "token" } : { ok: false, reason: "unauthenticated" };
  }
  const id = readCookie(req.cookie, SESSION_COOKIE);
  const session = await ctx.sessions.get(id);
  if (session === null || id === undefined) return { ok: false, reason: "unauthenticated" };
  if (!isSafeMethod(req.method)) {
    if (!isSameOrigin(req)) return { ok: false, reason: "cross-site" };
    if (!csrfMatches(session, req.csrfToken)) return { ok: false, reason: "csrf" };
  }
  return { ok: true, via: "session", id, session };
}

/** The value of cookie `name` in a `Cookie` header, or undefined. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A `Set-Cookie` value for the session (RFC 6265bis: HttpOnly, SameSite=Strict). */
export function sessionCookie(id: string, opts: { secure: boolean; maxAgeSec?: number }): string {
  const parts = [`${SESSION_COOKIE}=${id}`, "HttpOnly", "SameSite=Strict", "Path=/"];
  if (opts.maxAgeSec !== undefined) parts.push(`Max-Age=${opts.maxAgeSec}`);
  if (opts.secure) parts.push("Secure");
  return parts.join("; ");
}
