/** Client IP, scheme and host of a Node request, believing proxies only from TRUSTED_PROXIES. */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { type ClientFacts, clientFacts, type TrustedProxies } from "../../core/net/forwarded.ts";

/** {@link clientFacts} for a Node request. */
export function nodeClientFacts(req: IncomingMessage, proxies: TrustedProxies): ClientFacts {
  return clientFacts({
    remoteAddress: req.socket.remoteAddress,
    encrypted: (req.socket as TLSSocket).encrypted === true,
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    },
  }, proxies);
}
