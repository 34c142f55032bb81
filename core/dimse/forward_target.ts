/**
 * Where stored files are forwarded: `AE@host:port` (a C-STORE SCP) or an http(s) URL (a
 * STOW-RS endpoint, `…/studies`). Parsed once at start-up so a typo fails there.
 */

/** A parsed forward destination. */
export type ForwardTarget =
  | {
    readonly kind: "dimse";
    readonly aeTitle: string;
    readonly host: string;
    readonly port: number;
  }
  | { readonly kind: "stow"; readonly url: string };

/** Checks an AE title (PS3.5 Table 6.2-1: 1–16 characters, no backslash or control). */
export function isAeTitle(ae: string): boolean {
  return /^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(ae) && ae.trim() !== "" && ae === ae.trim();
}

/**
 * Parses `AE@host:port`, `AE@[v6]:port` or an http(s) URL. Throws RangeError naming `name`;
 * the value is not quoted (a URL may carry credentials).
 */
export function parseForwardTarget(name: string, raw: string): ForwardTarget {
  if (/^https?:\/\//i.test(raw)) {
    try {
      return { kind: "stow", url: new URL(raw).href };
    } catch {
      throw new RangeError(`${name} is not a valid URL`);
    }
  }
  const m = /^([^@]{1,16})@(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[3]) : 0;
  if (!m || !isAeTitle(m[1]) || port < 1 || port > 65535) {
    throw new RangeError(`${name} must be AE@host:port or an http(s) URL (STOW-RS)`);
  }
  return { kind: "dimse", aeTitle: m[1], host: m[2].replace(/^\[|\]$/g, ""), port };
}
