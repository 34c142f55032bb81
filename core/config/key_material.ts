import { Buffer } from "node:buffer";

/** Shortest accepted de-identification key; below this an HMAC key is guessable. */
export const MIN_KEY_BYTES = 16;

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes a key file: UTF-8 text is trimmed, then read as hex, else base64 (standard
 * alphabet, padded), else taken as raw text; bytes that are not UTF-8 are a binary key.
 * Messages give the path and lengths, never key bytes.
 */
export function decodeKeyFile(bytes: Uint8Array, path: string): Uint8Array {
  let text: string | undefined;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).trim();
  } catch {
    text = undefined; // binary key, e.g. `head -c 32 /dev/urandom`
  }
  let key: Uint8Array;
  let form: string;
  if (text === undefined) [key, form] = [bytes, "binary"];
  else if (HEX.test(text)) [key, form] = [fromHex(text), "hex"];
  else if (text !== "" && BASE64.test(text)) {
    [key, form] = [new Uint8Array(Buffer.from(text, "base64")), "base64"];
  } else [key, form] = [new TextEncoder().encode(text), "text"];
  if (key.length < MIN_KEY_BYTES) {
    throw new RangeError(
      `Key file ${path} holds ${key.length} bytes (${form}); need at least ${MIN_KEY_BYTES}`,
    );
  }
  return key;
}

/**
 * Decodes a `DEID_KEY` value: exactly 64 hex digits are 32 bytes, anything else is its UTF-8
 * bytes. The message names the variable only: even the length of a secret is not repeated.
 */
export function decodeKeyValue(value: string, name = "DEID_KEY"): Uint8Array {
  const text = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? fromHex(text) : new TextEncoder().encode(text);
  if (key.length < MIN_KEY_BYTES) {
    throw new RangeError(`${name} is too short: need at least ${MIN_KEY_BYTES} bytes`);
  }
  return key;
}

/** Lower-case hex of bytes, used for the key file this project writes itself. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
