/**
 * Where two byte arrays first differ (-1: nowhere; the shorter length when one is a prefix of
 * the other). For large outputs: node:assert's deepEqual on them prints a diff of every element,
 * which takes minutes when they differ.
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
