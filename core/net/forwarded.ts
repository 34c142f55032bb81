/**
 * Who the client is, behind a reverse proxy. `X-Forwarded-For` / `-Proto` / `-Host` are
 * believed only when the direct peer is in TRUSTED_PROXIES (e.g. Traefik); otherwise anyone
 * could pick their IP and dodge the login lockout.
 */
import { BlockList, isIP } from "node:net";

/** Matches peer addresses against TRUSTED_PROXIES entries (IPs or CIDR blocks). */
export class TrustedProxies {
  readonly #list = new BlockList();
  readonly #empty: boolean;

  /** Entries were validated by `readServerConfig()`. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [addr, prefix] = entry.split("/");
      const type = isIP(addr) === 6 ? "ipv6" : "ipv4";
      if (prefix === undefined) this.#list.addAddress(addr, type);
      else this.#list.addSubnet(addr, Number(prefix), type);
    }
    this.#empty = entries.length === 0;
  }

  /** True when `addr` is a trusted proxy. */
  has(addr: string): boolean {
    if (this.#empty || isIP(addr) === 0) return false;
    return this.#list.check(addr, isIP(addr) === 6 ? "ipv6" : "ipv4") ||
      (addr.startsWith("::ffff:") && this.has(addr.slice(7)));
  }
}

/** The client as the server should see it. */
export interface ClientFacts {
  /** Client IP (IPv4-mapped IPv6 shown as IPv4). */
  readonly ip: string;
  /** The client's connection to the edge was TLS. */
  readonly secure: boolean;
  /** Host the client addressed (for the same-origin check). */
  readonly host: string;
}

/** Request data {@link clientFacts} reads. */
export interface PeerRequest {
  readonly remoteAddress: string | undefined;
  readonly encrypted: boolean;
  readonly header: (name: string) => string | undefined | null;
}

/**
 * Resolves client IP, scheme and host. `X-Forwarded-For` is walked right to left, skipping
 * trusted proxies: the first untrusted hop is the client (leftmost entries are client-chosen).
 */
export function clientFacts(req: PeerRequest, trusted: TrustedProxies): ClientFacts {
  const peer = unmap(req.remoteAddress ?? "unknown");
  const host = req.header("host") ?? "localhost";
  if (!trusted.has(peer)) return { ip: peer, secure: req.encrypted, host };
  let ip = peer;
  const hops = (req.header("x-forwarded-for") ?? "").split(",").map((s) => unmap(s.trim()));
  for (let i = hops.length - 1; i >= 0 && hops[i] !== ""; i--) {
    if (isIP(hops[i]) === 0) break;
    ip = hops[i];
    if (!trusted.has(hops[i])) break;
  }
  const proto = req.header("x-forwarded-proto")?.split(",")[0].trim().toLowerCase();
  const fwdHost = req.header("x-forwarded-host")?.split(",")[0].trim();
  return {
    ip,
    secure: proto === undefined ? req.encrypted : proto === "https",
    host: fwdHost || host,
  };
}

/** The origin (scheme://host) the client used, for CSRF origin checks. */
export function selfOrigin(facts: ClientFacts): string {
  return `${facts.secure ? "https" : "http"}://${facts.host}`;
}

function unmap(addr: string): string {
  return addr.startsWith("::ffff:") && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}
