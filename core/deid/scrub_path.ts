import { createHmac } from "node:crypto";

/**
 * Replaces path components that carry a value the de-identification removed from the file
 * (real exports name folders after the patient: `MRN3559160/`, `DOE_JOHN/`). A component is
 * replaced when it, or one of its parts split on `_ - . space`, equals a removed value; the
 * replacement is `anon-` + a keyed hash of the component, so every file of that folder lands
 * in the same (pseudonymous) folder and a file's extension is kept.
 */
export function scrubPath(
  path: string,
  wasRemoved: (text: string) => boolean,
  key: Uint8Array,
): string {
  const components = path.split("/");
  return components.map((c, i) => {
    const ext = i === components.length - 1 ? (c.match(/\.[A-Za-z0-9]{1,5}$/)?.[0] ?? "") : "";
    const stem = c.slice(0, c.length - ext.length);
    const parts = stem.split(/[_\-. ]+/).filter((p) => p.length >= 3);
    if (stem.length < 3 || !(wasRemoved(stem) || parts.some(wasRemoved))) return c;
    const hash = createHmac("sha256", key).update(`path-component\0${stem}`).digest("hex");
    return `anon-${hash.slice(0, 12)}${ext}`;
  }).join("/");
}
