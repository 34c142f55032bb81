/**
 * API bearer tokens for scripts. Only SHA-256 digests are kept: tokens are long random
 * strings, so a fast hash is enough (no guessing to slow down), and a memory dump or log of
 * the server's state holds no usable token.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** SHA-256 of a token's UTF-8 bytes. */
export function hashToken(token: string): Uint8Array {
  return createHash("sha256").update(token, "utf8").digest();
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  const m = /^Bearer[ \t]+([\x21-\x7E]+)[ \t]*$/i.exec(authorization ?? "");
  return m?.[1];
}

/** The configured tokens (as digests) and a constant-time membership test. */
export class ApiTokens {
  readonly #digests: Uint8Array[];

  /** Hashes `tokens` (API_TOKENS); the plain values are not kept. */
  constructor(tokens: readonly string[]) {
    this.#digests = tokens.filter((t) => t.length > 0).map(hashToken);
  }

  /** Number of configured tokens. */
  get size(): number {
    return this.#digests.length;
  }

  /** True when `token` is one of the configured tokens; compares with every digest. */
  verify(token: string | undefined): boolean {
    if (token === undefined) return false;
    const presented = hashToken(token);
    let found = false;
    for (const d of this.#digests) found = timingSafeEqual(d, presented) || found;
    return found;
  }
}
