/**
 * Clean Pixel Data rules (PS3.15 §E.3.1, option 113101), in the spirit of CTP's
 * DicomPixelAnonymizer: rectangles to blank, for images whose Modality, Manufacturer,
 * Manufacturer's Model Name, Rows and Columns match. The first matching rule applies.
 *
 * ```json
 * [{ "match": { "Modality": "US", "Manufacturer": "ACME", "Rows": 480, "Columns": 640 },
 *    "rectangles": [[0, 0, 640, 40], [500, 440, 140, 40]] }]
 * ```
 * A rectangle is `[x, y, width, height]` in pixels from the top-left corner.
 */
import { DeidPolicyError } from "./errors.ts";
import type { PixelFacts } from "./pixel_facts.ts";

/** The attributes a rule may match on: text ones compared trimmed and case-insensitively. */
export const PIXEL_MATCH_KEYS = [
  "Modality",
  "Manufacturer",
  "ManufacturerModelName",
  "Rows",
  "Columns",
] as const;

/** One match key. */
export type PixelMatchKey = typeof PIXEL_MATCH_KEYS[number];

/** A rectangle to blank: x, y (top-left, in pixels), width, height. */
export type PixelRectangle = readonly [number, number, number, number];

/** One rule: plain data, so it survives `postMessage` to the CLI's workers. */
export interface PixelRule {
  readonly match: {
    readonly [K in PixelMatchKey]?: K extends "Rows" | "Columns" ? number : string;
  };
  readonly rectangles: readonly PixelRectangle[];
}

/** A rules file larger than this is a mistake (and rules files may arrive over HTTP). */
const MAX_RULES = 1000;
const MAX_RECTANGLES = 256;
const MAX_COORDINATE = 0xffff;

/** Parses a rules file's text; throws DeidPolicyError naming `source` and the bad entry. */
export function parsePixelRules(text: string, source: string): PixelRule[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DeidPolicyError(`${source}: not valid JSON`);
  }
  return validatePixelRules(data, source);
}

/** Checks rules given as data (e.g. from a worker message); returns them as typed rules. */
export function validatePixelRules(data: unknown, source: string): PixelRule[] {
  if (!Array.isArray(data)) {
    throw new DeidPolicyError(`${source}: expected a JSON array of {"match", "rectangles"} rules`);
  }
  if (data.length > MAX_RULES) throw new DeidPolicyError(`${source}: more than ${MAX_RULES} rules`);
  return data.map((rule, i) => validateRule(rule, `${source}: rule ${i + 1}`));
}

function validateRule(rule: unknown, where: string): PixelRule {
  if (!isObject(rule)) throw new DeidPolicyError(`${where}: expected an object`);
  for (const key of Object.keys(rule)) {
    if (key !== "match" && key !== "rectangles") {
      throw new DeidPolicyError(`${where}: unknown key ${quoted(key)} (known: match, rectangles)`);
    }
  }
  const match = rule.match ?? {};
  if (!isObject(match)) throw new DeidPolicyError(`${where}: "match" must be an object`);
  for (const [key, value] of Object.entries(match)) {
    if (!(PIXEL_MATCH_KEYS as readonly string[]).includes(key)) {
      throw new DeidPolicyError(
        `${where}: unknown match key ${quoted(key)} (known: ${PIXEL_MATCH_KEYS.join(", ")})`,
      );
    }
    const numeric = key === "Rows" || key === "Columns";
    const ok = numeric
      ? Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_COORDINATE
      : typeof value === "string" && value.trim() !== "";
    if (!ok) {
      throw new DeidPolicyError(
        `${where}: match ${key} must be ${
          numeric ? "a whole number from 1 to 65535" : "a non-empty string"
        }`,
      );
    }
  }
  const rects = rule.rectangles;
  if (!Array.isArray(rects) || rects.length === 0 || rects.length > MAX_RECTANGLES) {
    throw new DeidPolicyError(
      `${where}: "rectangles" must be a list of 1 to ${MAX_RECTANGLES} [x, y, width, height]`,
    );
  }
  const rectangles = rects.map((r, j) => {
    const good = Array.isArray(r) && r.length === 4 &&
      r.every((n) => Number.isInteger(n) && n >= 0 && n <= MAX_COORDINATE) && r[2] > 0 && r[3] > 0;
    if (!good) {
      throw new DeidPolicyError(
        `${where}: rectangle ${j + 1} must be [x, y, width, height]: whole numbers, x and y ` +
          `from 0, width and height from 1, at most 65535`,
      );
    }
    return [r[0], r[1], r[2], r[3]] as const;
  });
  return { match: match as PixelRule["match"], rectangles };
}

/** The index of the first rule whose every match key equals the file's value, or -1. */
export function matchPixelRule(rules: readonly PixelRule[], facts: PixelFacts): number {
  const actual: Record<PixelMatchKey, string | number | undefined> = {
    Modality: facts.modality,
    Manufacturer: facts.manufacturer,
    ManufacturerModelName: facts.model,
    Rows: facts.rows,
    Columns: facts.columns,
  };
  return rules.findIndex((rule) =>
    Object.entries(rule.match).every(([key, want]) => {
      const have = actual[key as PixelMatchKey];
      if (typeof want === "number") return have === want;
      return typeof have === "string" && have.trim().toUpperCase() === want!.trim().toUpperCase();
    })
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A key from the user's file, shortened: keys are configuration, not patient data. */
function quoted(key: string): string {
  return JSON.stringify(key.slice(0, 40));
}
