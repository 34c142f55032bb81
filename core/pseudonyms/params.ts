/**
 * `pseudonyms=hash|sequential` and `prefix=SITE`, the query parameters of `POST
 * /api/anonymize` and batch creation, with the CLI's rules: `prefix` belongs to, and is
 * required by, `sequential`.
 */
import { DeidPolicyError } from "../deid/errors.ts";
import { isPseudonymMode, PSEUDONYM_MODES, type PseudonymMode } from "./attributes.ts";
import { validatePrefix } from "./sequence_names.ts";

/** What the two parameters asked for (absent keys when not given). */
export interface PseudonymParams {
  readonly pseudonyms?: PseudonymMode;
  readonly prefix?: string;
}

/** Parses and validates the two parameters; throws DeidPolicyError naming the problem. */
export function parsePseudonymParams(query: URLSearchParams): PseudonymParams {
  const mode = single(query, "pseudonyms");
  const prefix = single(query, "prefix");
  if (mode !== undefined && !isPseudonymMode(mode)) {
    throw new DeidPolicyError(`pseudonyms must be ${PSEUDONYM_MODES.join(" or ")}`);
  }
  if (prefix !== undefined && mode !== "sequential") {
    throw new DeidPolicyError("prefix needs pseudonyms=sequential");
  }
  if (mode === "sequential") {
    if (prefix === undefined) throw new DeidPolicyError("pseudonyms=sequential needs prefix");
    try {
      validatePrefix(prefix);
    } catch (err) {
      throw new DeidPolicyError(`prefix: ${(err as Error).message}`);
    }
  }
  return { ...(mode ? { pseudonyms: mode } : {}), ...(prefix ? { prefix } : {}) };
}

function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new DeidPolicyError(`${name} given more than once`);
  return values[0];
}
