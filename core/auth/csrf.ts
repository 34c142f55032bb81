/**
 * Cross-site request forgery defences for cookie-authenticated requests that change state:
 * the browser's own `Origin` / `Sec-Fetch-Site` headers, plus a per-session token that a
 * foreign page cannot read (forms carry it in a hidden field, scripts in `X-CSRF-Token`).
 */
import { Buffer } from "node:buffer";
import { timingSafeEqual } from "node:crypto";
import type { Session } from "./sessions.ts";

/** Header scripts use to present the session's CSRF token. */
export const CSRF_HEADER = "x-csrf-token";
/** Form field that carries the token in server-rendered forms. */
export const CSRF_FIELD = "csrf";

/** The request headers the origin check looks at. */
export interface OriginFacts {
  /** `Origin`, when the browser sent one. */
  readonly origin?: string | null;
  /** `Sec-Fetch-Site`, when the browser sent one. */
  readonly secFetchSite?: string | null;
  /** This server's origin as the client sees it, e.g. "https://deid.example.org". */
  readonly selfOrigin: string;
}

/**
 * True unless the browser says the request came from another site. Absent headers pass
 * (curl, old browsers); the CSRF token is the second line of defence for those.
 */
export function isSameOrigin(f: OriginFacts): boolean {
  const site = f.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== "same-origin" && site !== "none") return false;
  if (f.origin === undefined || f.origin === null) return true;
  // "null" is what sandboxed frames and some redirects send: never our own page.
  return f.origin.toLowerCase() === f.selfOrigin.toLowerCase();
}

/** Constant-time check of a presented CSRF token against the session's. */
export function csrfMatches(session: Session, presented: string | undefined | null): boolean {
  if (typeof presented !== "string") return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Methods that never change state, so they need no CSRF check. */
export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}
