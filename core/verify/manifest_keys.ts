/**
 * The manifest's keys (docs/manifest.md "Keys"): the Ed25519 signature over the summary's hash,
 * checked with the header's public key or a pinned one, and the hash key derived from the
 * de-identification key to look output UIDs up among `inputUids`.
 */
import { Buffer } from "node:buffer";
import { createHash, createHmac, createPublicKey, type KeyObject, verify } from "node:crypto";
import type { Finding } from "./findings.ts";
import type { ManifestData } from "./manifest_read.ts";

/** Domain of the hash key: HMAC-SHA-256(deidKey, this). */
const HASH_KEY_LABEL = "deid-manifest/1 hash key";
/** Prefix of the de-identification key's fingerprint, as `--report` prints it. */
const FINGERPRINT_DOMAIN = "dicom-deid key fingerprint\0";

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

/** The hash key of `inputHmac`/`inputUids`, derived from the de-identification key. */
export function deriveHashKey(deidKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac("sha256", deidKey).update(HASH_KEY_LABEL).digest());
}

/** The de-identification key's fingerprint (16 hex digits), the header's `keyId`. */
export function deidKeyId(deidKey: Uint8Array): string {
  return createHash("sha256").update(FINGERPRINT_DOMAIN).update(deidKey).digest("hex").slice(0, 16);
}

/** Reads a PEM public key (`--public-key`); throws RangeError unless it is an Ed25519 key. */
export function readPinnedKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new RangeError("--public-key is not a PEM public key");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new RangeError("--public-key is not Ed25519");
  return key;
}

/**
 * Findings about the signature: it must be Ed25519 over the ASCII hex `head`, `head` must be the
 * summary line's hash, and the key the header's (or the pinned one, which must then be the
 * header's too).
 */
export function signatureFindings(
  name: string,
  data: ManifestData,
  pinned?: KeyObject,
): Finding[] {
  const sig = data.signature;
  const out: Finding[] = [];
  const bad = (message: string, line = sig?.line) =>
    out.push({ file: name, offset: line, check: "manifest-signature", message });
  const header = data.header?.signingKey;
  if (!sig) return out; // reported while reading
  if (sig.alg !== "Ed25519" || (header && header.alg !== "Ed25519")) bad("alg is not Ed25519");
  if (data.summaryHash !== undefined && sig.head !== data.summaryHash) {
    bad("head is not the SHA-256 of the summary line");
  }
  let key = pinned;
  if (header) {
    const der = Buffer.from(header.publicKey, "base64");
    if (header.id !== sha256(der).slice(0, 16)) {
      bad("the header's key id does not match its key", 1);
    }
    if (sig.keyId !== header.id) bad("keyId is not the header's signing key id");
    if (pinned) {
      const pinnedDer = pinned.export({ type: "spki", format: "der" });
      if (!Buffer.from(pinnedDer).equals(der)) {
        bad("the header's signing key is not --public-key", 1);
      }
    } else {
      try {
        key = createPublicKey({ key: der, format: "der", type: "spki" });
      } catch {
        bad("the header's public key cannot be read", 1);
      }
    }
  }
  if (!key || typeof sig.head !== "string" || typeof sig.signature !== "string") {
    bad("cannot check the signature: key, head or signature missing");
    return out;
  }
  const ok = verify(
    null,
    Buffer.from(sig.head, "ascii"),
    key,
    Buffer.from(sig.signature, "base64"),
  );
  if (!ok) bad("the signature does not verify");
  return out;
}

/**
 * Checks `--key-file` against the header: its fingerprint must be `keyId`, the derived hash key's
 * `hashKeyId`. Returns the hash key when the UID check can run, and the findings.
 */
export function keyCheck(
  name: string,
  data: ManifestData,
  deidKey: Uint8Array,
): { hashKey?: Uint8Array; findings: Finding[] } {
  const findings: Finding[] = [];
  const bad = (message: string) =>
    findings.push({ file: name, offset: 1, check: "manifest-key", message });
  const hashKey = deriveHashKey(deidKey);
  if (data.header?.keyId !== deidKeyId(deidKey)) bad("--key-file is not the key of this run");
  if (data.header?.hashKeyId !== sha256(hashKey).slice(0, 16)) {
    bad("the hash key derived from --key-file is not the header's: UID check not run");
    return { findings };
  }
  return { hashKey, findings };
}
