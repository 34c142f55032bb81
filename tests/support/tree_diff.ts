/**
 * Readable differences between two pydicom trees: deepStrictEqual on a tree of thousands of
 * hex strings prints a wall of text; this names the element path that differs instead.
 */
import type { DicomTree, TreeElement } from "./independent_reader.ts";

/** Paths where two trees differ, e.g. "00081115[0].00081150: hex"; empty when equal. */
export function diffTrees(a: DicomTree, b: DicomTree): string[] {
  const diffs: string[] = [];
  if (a.transferSyntaxUid !== b.transferSyntaxUid) diffs.push("(0002,0010)");
  diffElements(a.elements, b.elements, "", diffs);
  return diffs;
}

function diffElements(a: TreeElement[], b: TreeElement[], at: string, diffs: string[]): void {
  const left = new Map(a.map((e) => [e.tag, e]));
  const right = new Map(b.map((e) => [e.tag, e]));
  for (const tag of new Set([...left.keys(), ...right.keys()])) {
    const path = `${at}${tag}`;
    const x = left.get(tag);
    const y = right.get(tag);
    if (!x || !y) {
      diffs.push(`${path}: only in ${x ? "first" : "second"}`);
    } else if (x.vr !== y.vr) {
      diffs.push(`${path}: vr ${x.vr} vs ${y.vr}`);
    } else if ("items" in x || "items" in y) {
      diffItems(x, y, path, diffs);
    } else {
      diffValue(x, y, path, diffs);
    }
  }
}

function diffItems(x: TreeElement, y: TreeElement, path: string, diffs: string[]): void {
  const xs = "items" in x ? x.items : [];
  const ys = "items" in y ? y.items : [];
  if (xs.length !== ys.length) diffs.push(`${path}: ${xs.length} vs ${ys.length} items`);
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    diffElements(xs[i], ys[i], `${path}[${i}].`, diffs);
  }
}

function diffValue(x: TreeElement, y: TreeElement, path: string, diffs: string[]): void {
  for (const key of ["length", "hex", "sha256", "fragments"] as const) {
    const u = (x as Record<string, unknown>)[key];
    const v = (y as Record<string, unknown>)[key];
    if (JSON.stringify(u) !== JSON.stringify(v)) {
      diffs.push(`${path}: ${key}`);
      return;
    }
  }
}
