/**
 * Password hashing with PBKDF2-HMAC-SHA-256 through WebCrypto (OWASP 2023: ≥ 600,000
 * iterations). Stored form: `pbkdf2-sha256$ITERATIONS$SALT$HASH` (base64url), so the cost
 * can be raised later without invalidating existing hashes.
 */
import { Buffer } from "node:buffer";
import { timingSafeEqual } from "node:crypto";

/** Iterations for new hashes (about 0.1 s here: slow for guessing, fine for one login). */
export const PBKDF2_ITERATIONS = 600_000;
const SCHEME = "pbkdf2-sha256";
const SALT_BYTES = 16;
const HASH_BITS = 256;
// Hashes with fewer iterations are refused: a tampered KV must not make guessing cheap.
const MIN_ITERATIONS = 100_000;
const MAX_ITERATIONS = 10_000_000;

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return [SCHEME, PBKDF2_ITERATIONS, b64(salt), b64(hash)].join("$");
}

/**
 * True when `password` matches `stored`. The final comparison is constant-time; a malformed
 * `stored` still costs one derivation, so timing does not reveal that either.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  const salt = parsed?.salt ?? new Uint8Array(SALT_BYTES);
  const expected = parsed?.hash ?? new Uint8Array(HASH_BITS / 8);
  const actual = await derive(password, salt, parsed?.iterations ?? PBKDF2_ITERATIONS);
  return timingSafeEqual(actual, expected) && parsed !== undefined;
}

/** A random password for first start: 24 base64url characters (144 bits). */
export function generatePassword(): string {
  return b64(crypto.getRandomValues(new Uint8Array(18)));
}

function parseHash(
  stored: string,
): { iterations: number; salt: Uint8Array; hash: Uint8Array } | undefined {
  const [scheme, iter, salt, hash, extra] = stored.split("$");
  const iterations = Number(iter);
  if (scheme !== SCHEME || extra !== undefined || !/^\d+$/.test(iter ?? "")) return undefined;
  if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) return undefined;
  const saltBytes = Buffer.from(salt ?? "", "base64url");
  const hashBytes = Buffer.from(hash ?? "", "base64url");
  if (saltBytes.length < SALT_BYTES || hashBytes.length !== HASH_BITS / 8) return undefined;
  return { iterations, salt: saltBytes, hash: hashBytes };
}

async function derive(password: string, salt: Uint8Array, iterations: number) {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(salt), iterations },
    material,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
