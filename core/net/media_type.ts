/**
 * `Content-Type` and `Accept` values (RFC 9110 §8.3.1, §12.5.1): a media type with its
 * parameters, quoted or not. Parsed by hand because the boundary of a multipart body and the
 * `type` of multipart/related (RFC 2387) may be quoted strings with escapes.
 */

/** A parsed media type: lower-case `type/subtype` and its parameters (names lower-cased). */
export interface MediaType {
  readonly essence: string;
  readonly params: ReadonlyMap<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses one media type; null when the value is malformed. */
export function parseMediaType(value: string | undefined | null): MediaType | null {
  if (!value) return null;
  const semi = value.indexOf(";");
  const essence = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const [type, subtype, extra] = essence.split("/");
  if (extra !== undefined || !TOKEN.test(type ?? "") || !TOKEN.test(subtype ?? "")) return null;
  const params = new Map<string, string>();
  let at = semi < 0 ? value.length : semi;
  while (at < value.length) {
    at = skipSpace(value, at + 1); // past ";"
    if (at >= value.length) break; // a trailing ";" is allowed
    const eq = value.indexOf("=", at);
    if (eq < 0) return null;
    const name = value.slice(at, eq).trim().toLowerCase();
    if (!TOKEN.test(name)) return null;
    let v: string;
    if (value[eq + 1] === '"') {
      const q = readQuoted(value, eq + 1);
      if (q === null) return null;
      [v, at] = q;
    } else {
      const end = value.indexOf(";", eq + 1);
      at = end < 0 ? value.length : end;
      v = value.slice(eq + 1, at).trim();
      // Laxer than RFC 9110's token: PS3.18's own examples send `type=application/dicom`.
      if (!/^[^\s";\\]+$/.test(v)) return null;
    }
    at = skipSpace(value, at);
    if (at < value.length && value[at] !== ";") return null;
    if (!params.has(name)) params.set(name, v); // RFC 9110: duplicates are an error; first wins
  }
  return { essence, params };
}

/**
 * True when an `Accept` header allows one of `offered` (exact, `type/*` or `*∕*`, q > 0);
 * an absent header accepts anything.
 */
export function accepts(accept: string | undefined | null, offered: readonly string[]): boolean {
  if (accept === undefined || accept === null || accept.trim() === "") return true;
  for (const range of accept.split(",")) {
    const m = parseMediaType(range.trim());
    if (m === null) continue;
    if (Number(m.params.get("q") ?? "1") <= 0) continue;
    const [type, subtype] = m.essence.split("/");
    for (const o of offered) {
      const [ot] = o.split("/");
      if (m.essence === o || (subtype === "*" && (type === "*" || type === ot))) return true;
    }
  }
  return false;
}

/** RFC 2046 §5.1.1: 1–70 characters from `bchars`, not ending in a space. */
export function isValidBoundary(boundary: string): boolean {
  return /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary);
}

/** A quoted-string starting at `at` (the opening quote): its unescaped text and end index. */
function readQuoted(s: string, at: number): [string, number] | null {
  let out = "";
  for (let i = at + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '"') return [out, i + 1];
    if (c === "\\") {
      if (i + 1 >= s.length) return null;
      out += s[++i];
    } else out += c;
  }
  return null; // unterminated
}

function skipSpace(s: string, at: number): number {
  while (at < s.length && (s[at] === " " || s[at] === "\t")) at++;
  return at;
}
