/** Small text helpers for the few values verify reads (UIDs, creators, claims). */

const isPad = (c: number) => c === 0x00 || c === 0x20;

/**
 * Strips NUL/space padding (PS3.5 §6.2) at the end, and at the start with `leading`. A loop,
 * not a regular expression: `/[\0 ]+$/` is quadratic on a long run of spaces before another
 * character, and outputs under test may be hostile.
 */
export function trimPad(text: string, leading = false): string {
  let end = text.length;
  while (end > 0 && isPad(text.charCodeAt(end - 1))) end--;
  let start = 0;
  while (leading && start < end && isPad(text.charCodeAt(start))) start++;
  return text.slice(start, end);
}

/** Bytes as a Latin-1 string (one char per byte): enough for ASCII values such as UIDs. */
export function latin1(parts: readonly Uint8Array[]): string {
  let text = "";
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 8192) {
      text += String.fromCharCode(...p.subarray(i, i + 8192));
    }
  }
  return text;
}
