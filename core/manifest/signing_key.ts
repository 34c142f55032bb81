/**
 * The manifest signing key: Ed25519, PKCS#8 PEM, kept apart from the de-identification key so
 * that whoever checks a manifest needs neither. Loaded, or created on first use with mode 0600
 * under a temporary name and published with a hard link, so a concurrent creator's key is
 * never overwritten and no reader sees half a file.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { Buffer } from "node:buffer";
import { basename, dirname, join } from "node:path";

/** The server's key file name under DATA_DIR (the CLI default too). */
export const SIGNING_KEY_FILE = "manifest-signing.pem";

/** A loaded signing key with its public half as the header writes it. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  /** Base64 of the SPKI DER public key. */
  readonly publicKey: string;
  /** First 16 hex digits of SHA-256 of the SPKI DER. */
  readonly id: string;
  /** True when this call created the file. */
  readonly created: boolean;
}

/** The key file is unusable (not PKCS#8 PEM, not Ed25519); the message names the path only. */
export class SigningKeyError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyError";
  }
}

/** Loads the Ed25519 key at `path`, creating it (mode 0600, folders too) when missing. */
export async function loadOrCreateSigningKey(path: string): Promise<SigningKey> {
  const existing = await readIfPresent(path);
  if (existing !== undefined) return parse(existing, path, false);
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  const random = crypto.getRandomValues(new Uint32Array(2)).join("");
  const tmp = join(dirname(path), `.${basename(path)}.partial-${random}`);
  try {
    await Deno.writeTextFile(tmp, pem, { createNew: true, mode: 0o600 });
    await Deno.chmod(tmp, 0o600); // the umask may only remove bits; make the mode exact anyway
    await Deno.link(tmp, path);
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    return parse(await Deno.readTextFile(path), path, false); // another process was first
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  return parse(pem, path, true);
}

/** A public key (base64 SPKI DER) and its id, e.g. for checking a signature. */
export function publicKeyId(spkiBase64: string): string {
  return createHash("sha256").update(Buffer.from(spkiBase64, "base64")).digest("hex").slice(0, 16);
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

function parse(pem: string, path: string, created: boolean): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new SigningKeyError(`${path} is not a PKCS#8 PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new SigningKeyError(`${path} is not an Ed25519 key`);
  }
  const der = createPublicKey(privateKey).export({ type: "spki", format: "der" });
  const publicKey = Buffer.from(der).toString("base64");
  return { privateKey, publicKey, id: publicKeyId(publicKey), created };
}
