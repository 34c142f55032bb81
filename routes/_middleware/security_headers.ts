/**
 * Security headers for every response, set on the Node response before either path (raw
 * streaming route or Hono) writes its head: Node merges them into `writeHead()`, so no
 * handler can forget them.
 */
import type { ServerResponse } from "node:http";

/** CSP and friends (OWASP Secure Headers): nothing from elsewhere, no framing, no sniffing. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** Sets {@link SECURITY_HEADERS} (and no-store caching for API and auth answers). */
export function setSecurityHeaders(res: ServerResponse, path: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (path !== "/health") res.setHeader("cache-control", "no-store");
}
