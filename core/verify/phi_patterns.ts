/**
 * `--phi-list`: strings that must not appear in any output (one per line), turned into the byte
 * patterns searched for. ASCII letters match in any case; a name is also searched in its DICOM
 * PN forms (`^` for spaces and back, "GIVEN FAMILY" as "FAMILY^GIVEN"); non-ASCII text as UTF-8
 * and, where it fits, Latin-1 (ISO_IR 100, the most common single-byte character set).
 */

/** One searched byte pattern, already lower-cased in its ASCII letters. */
export interface PhiPattern {
  readonly bytes: Uint8Array;
  /** The phi-list line it comes from (0-based); several patterns may share one. */
  readonly entry: number;
  /**
   * Only digits: counts only where no digit or dot touches it, so a fresh UID such as
   * 2.25.31859… is not taken for a leaked ID or date (as tests/tools/phi_check.py does).
   */
  readonly digits: boolean;
}

/** Lines shorter than this are skipped: they would match everywhere (and say so). */
export const MIN_PHI_LENGTH = 2;

/** ASCII upper → lower case table for bytes; other bytes unchanged. */
export const LOWER = new Uint8Array(256).map((_, i) => (i >= 0x41 && i <= 0x5a ? i + 32 : i));

/** Reads a phi-list file's text: one string per line, blank lines and `\r` ignored. */
export function parsePhiList(text: string): { strings: string[]; skipped: number } {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, "").trim());
  const strings = lines.filter((l) => l.length >= MIN_PHI_LENGTH);
  const skipped = lines.filter((l) => l.length > 0 && l.length < MIN_PHI_LENGTH).length;
  return { strings, skipped };
}

/** The spellings of one string that are searched: itself and its PN forms. */
export function spellings(s: string): string[] {
  const out = new Set([s]);
  if (/[ ^]/.test(s)) {
    out.add(s.replace(/ +/g, "^"));
    out.add(s.replace(/\^+/g, " "));
    const words = s.split(/[ ^]+/).filter(Boolean);
    if (words.length === 2) out.add(`${words[1]}^${words[0]}`);
  }
  return [...out];
}

function latin1Bytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}

/** Every pattern for the given strings, de-duplicated by bytes. */
export function phiPatterns(strings: readonly string[]): PhiPattern[] {
  const seen = new Set<string>();
  const out: PhiPattern[] = [];
  strings.forEach((s, entry) => {
    const digits = /^\d+$/.test(s);
    for (const spelling of spellings(s)) {
      const utf8 = new TextEncoder().encode(spelling);
      const forms: Uint8Array[] = [utf8];
      const single = latin1Bytes(spelling);
      if (single && single.length !== utf8.length) forms.push(single);
      for (const form of forms) {
        const bytes = form.map((b) => LOWER[b]);
        const key = `${bytes.join(",")}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ bytes, entry, digits });
      }
    }
  });
  return out;
}
