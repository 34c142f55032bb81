/**
 * The exported crosswalk file (`FILE.csv.enc`): the CSV encrypted with AES-256-GCM under a key
 * derived from a passphrase with PBKDF2-HMAC-SHA-256 (≥ 600,000 iterations, OWASP 2023), via
 * WebCrypto (async, outside the synchronous core). Layout: 8-byte magic `DEIDXW1\n`, the
 * iteration count (uint32 big-endian), 16-byte salt, 12-byte IV, then ciphertext and tag. The
 * 40 header bytes are the GCM associated data, so they cannot be altered unnoticed.
 */

/** Iterations for new files. */
export const CROSSWALK_ITERATIONS = 600_000;
/** Files claiming fewer iterations are refused: guessing their passphrase would be cheap. */
export const MIN_CROSSWALK_ITERATIONS = 600_000;
/** More than this is refused too: a tampered count must not stall the reader for hours. */
const MAX_ITERATIONS = 10_000_000;
/** Shortest passphrase accepted for a new file. */
export const MIN_PASSPHRASE_LENGTH = 12;
const MAGIC = new TextEncoder().encode("DEIDXW1\n");
const SALT_BYTES = 16;
const IV_BYTES = 12;
const HEADER_BYTES = MAGIC.length + 4 + SALT_BYTES + IV_BYTES;

/** A crosswalk file that cannot be opened: wrong passphrase, damage, or a weak or foreign file. */
export class CrosswalkDecryptError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "CrosswalkDecryptError";
  }
}

/** Throws RangeError for a passphrase too short to protect re-identification data. */
export function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new RangeError(`The passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
}

/** Encrypts `plain` with `passphrase`; returns the whole file. */
export async function encryptCrosswalk(
  plain: Uint8Array,
  passphrase: string,
  iterations = CROSSWALK_ITERATIONS,
): Promise<Uint8Array> {
  checkPassphrase(passphrase);
  if (iterations < MIN_CROSSWALK_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(
      `PBKDF2 iterations must be ${MIN_CROSSWALK_ITERATIONS} to ${MAX_ITERATIONS}`,
    );
  }
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  new DataView(header.buffer).setUint32(MAGIC.length, iterations);
  crypto.getRandomValues(header.subarray(MAGIC.length + 4));
  const { salt, iv } = parts(header);
  const key = await deriveKey(passphrase, salt, iterations);
  const body = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: header },
    key,
    plain as Uint8Array<ArrayBuffer>,
  );
  const out = new Uint8Array(HEADER_BYTES + body.byteLength);
  out.set(header, 0);
  out.set(new Uint8Array(body), HEADER_BYTES);
  return out;
}

/** The iteration count a file claims; CrosswalkDecryptError when it is not a crosswalk file. */
export function crosswalkIterations(file: Uint8Array): number {
  if (file.length < HEADER_BYTES + 16 || !MAGIC.every((b, i) => file[i] === b)) {
    throw new CrosswalkDecryptError("Not an encrypted crosswalk file");
  }
  return new DataView(file.buffer, file.byteOffset).getUint32(MAGIC.length);
}

/** Decrypts a file written by {@link encryptCrosswalk}. */
export async function decryptCrosswalk(file: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const iterations = crosswalkIterations(file);
  if (iterations < MIN_CROSSWALK_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new CrosswalkDecryptError(
      `Refused: the file's key derivation uses ${iterations} PBKDF2 iterations ` +
        `(${MIN_CROSSWALK_ITERATIONS} to ${MAX_ITERATIONS} accepted)`,
    );
  }
  const header = file.slice(0, HEADER_BYTES);
  const { salt, iv } = parts(header);
  const key = await deriveKey(passphrase, salt, iterations);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: header },
      key,
      file.slice(HEADER_BYTES),
    );
    return new Uint8Array(plain);
  } catch {
    throw new CrosswalkDecryptError("Cannot decrypt: wrong passphrase or a damaged file");
  }
}

function parts(header: Uint8Array) {
  const at = MAGIC.length + 4;
  return {
    salt: header.slice(at, at + SALT_BYTES),
    iv: header.slice(at + SALT_BYTES, at + SALT_BYTES + IV_BYTES),
  };
}

async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number) {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(passphrase.normalize("NFC")),
    "PBKDF2",
    false,
    ["deriveKey"],
  );
  return await crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}
