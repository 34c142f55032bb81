/**
 * Bytes as ISO 8859-1 text: each byte one code unit. Not `TextDecoder("latin1")`, which is
 * windows-1252 per the WHATWG Encoding spec (0x80–0x9F become other characters); and header
 * values are short and decoded by the thousand per second, where a TextDecoder call costs more
 * than the work itself.
 */
export function latin1String(bytes: Uint8Array): string {
  let s = "";
  for (let at = 0; at < bytes.length; at += 1024) {
    s += String.fromCharCode.apply(null, bytes.subarray(at, at + 1024) as unknown as number[]);
  }
  return s;
}
