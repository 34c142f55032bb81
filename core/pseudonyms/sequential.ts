/**
 * `--pseudonyms sequential`: `PREFIX-000001`, `PREFIX-000002`, … per attribute, in order of
 * first sight, kept in an injected Deno KV under the keyed HMAC of each original. KV's `sum()`
 * does not return the new value, so a number is allocated with get + `check()` + set and
 * retried on conflict (and on `database is locked`): two processes on one KV file never hand
 * out the same number, and the same original gets the same pseudonym in every later run.
 */
import { withKvRetry } from "../kv/retry.ts";
import type { PseudonymAttribute, PseudonymLookup } from "./attributes.ts";
import { atRestKey, sealOriginal } from "./at_rest.ts";
import type { PeekedOriginals } from "./header_peek.ts";
import {
  entryKey,
  indexKey,
  lastKey,
  numberKey,
  originalMac,
  type PseudonymEntry,
  sealContext,
} from "./kv_keys.ts";
import { formatPseudonym, validatePrefix } from "./sequence_names.ts";

/** Construction options of {@link SequentialPseudonyms}. */
export interface SequentialOptions {
  readonly kv: Deno.Kv;
  /** The de-identification key: the HMAC index and the at-rest key derive from it. */
  readonly key: Uint8Array;
  /** Names the sequence (validated: see sequence_names.ts). */
  readonly prefix: string;
  /** CROSSWALK_ENABLED: also store each original, sealed (at_rest.ts), for export. */
  readonly keepOriginals: boolean;
}

/** One file's resolved pseudonyms, [attribute, original, pseudonym]: plain data for workers. */
export type PseudonymPairs = [PseudonymAttribute, string, string][];

/** A lookup over resolved pairs; empty originals stay empty, unknown ones are undefined. */
export function pairsLookup(pairs: PseudonymPairs): PseudonymLookup {
  const found = new Map(pairs.map(([a, o, p]) => [`${a}\0${o}`, p]));
  return (attribute, original) => original === "" ? "" : found.get(`${attribute}\0${original}`);
}

/** Each conflict means another writer got a number: progress overall, so retry for long. */
const MAX_ATTEMPTS = 1000;

/** Allocates and finds the pseudonyms of one prefix. */
export class SequentialPseudonyms {
  readonly prefix: string;
  /** New numbers this instance handed out. */
  allocated = 0;
  readonly #kv: Deno.Kv;
  readonly #index: Uint8Array;
  readonly #atRest: Uint8Array | undefined;
  /** attribute + MAC → pseudonym: entries never change once written. */
  readonly #cache = new Map<string, string>();

  constructor(options: SequentialOptions) {
    validatePrefix(options.prefix);
    this.prefix = options.prefix;
    this.#kv = options.kv;
    this.#index = indexKey(options.key);
    this.#atRest = options.keepOriginals ? atRestKey(options.key) : undefined;
  }

  /** The pseudonym of a normalized, non-empty original, allocating the next number if new. */
  async pseudonymOf(attribute: PseudonymAttribute, original: string): Promise<string> {
    const mac = originalMac(this.#index, this.prefix, attribute, original);
    const cached = this.#cache.get(`${attribute}\0${mac}`);
    if (cached !== undefined) return cached;
    const eKey = entryKey(this.prefix, attribute, mac);
    const lKey = lastKey(this.prefix, attribute);
    for (let attempt = 1;; attempt++) {
      const [entry, last] = await withKvRetry(() =>
        this.#kv.getMany<[PseudonymEntry, number]>([eKey, lKey])
      );
      if (entry.value !== null) {
        if (this.#atRest && !entry.value.original) await this.#backfill(entry, mac, original);
        return this.#remember(attribute, mac, entry.value.n);
      }
      const n = (last.value ?? 0) + 1;
      const value: PseudonymEntry = { n, ...this.#sealed(attribute, mac, original) };
      const nKey = numberKey(this.prefix, attribute, n);
      formatPseudonym(this.prefix, attribute, n); // RangeError before a number is taken
      const res = await withKvRetry(() =>
        this.#kv.atomic().check(entry).check(last).check({ key: nKey, versionstamp: null })
          .set(eKey, value).set(nKey, mac).set(lKey, n).commit()
      );
      if (res.ok) {
        this.allocated++;
        return this.#remember(attribute, mac, n);
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`Pseudonym allocation kept conflicting (${this.prefix}, ${attribute})`);
      }
      await pause(attempt);
    }
  }

  /** The existing pseudonym of an original, or undefined (a dry run allocates nothing). */
  async existing(attribute: PseudonymAttribute, original: string): Promise<string | undefined> {
    const mac = originalMac(this.#index, this.prefix, attribute, original);
    const cached = this.#cache.get(`${attribute}\0${mac}`);
    if (cached !== undefined) return cached;
    const entry = await withKvRetry(() =>
      this.#kv.get<PseudonymEntry>(entryKey(this.prefix, attribute, mac))
    );
    return entry.value === null
      ? undefined
      : formatPseudonym(this.prefix, attribute, entry.value.n);
  }

  /**
   * Every peeked original of one file resolved, allocated in order of first sight, attribute
   * by attribute. With `allocate: false` unknown originals get `PREFIX-000000` and nothing is
   * written (dry runs).
   */
  async resolve(
    originals: PeekedOriginals,
    options: { allocate?: boolean } = {},
  ): Promise<PseudonymPairs> {
    const pairs: PseudonymPairs = [];
    for (const [attribute, values] of originals) {
      for (const original of values) {
        const pseudonym = options.allocate === false
          ? await this.existing(attribute, original) ?? formatPseudonym(this.prefix, attribute, 0)
          : await this.pseudonymOf(attribute, original);
        pairs.push([attribute, original, pseudonym]);
      }
    }
    return pairs;
  }

  /** The engine's lookup for one file ({@link resolve}, then {@link pairsLookup}). */
  async lookupFor(
    originals: PeekedOriginals,
    options: { allocate?: boolean } = {},
  ): Promise<PseudonymLookup> {
    return pairsLookup(await this.resolve(originals, options));
  }

  #remember(attribute: PseudonymAttribute, mac: string, n: number): string {
    const pseudonym = formatPseudonym(this.prefix, attribute, n);
    this.#cache.set(`${attribute}\0${mac}`, pseudonym);
    return pseudonym;
  }

  #sealed(attribute: PseudonymAttribute, mac: string, original: string) {
    if (!this.#atRest) return {};
    const context = sealContext(this.prefix, attribute, mac);
    return { original: sealOriginal(this.#atRest, context, original) };
  }

  /** Adds the sealed original to an entry made while the crosswalk was off. */
  async #backfill(entry: Deno.KvEntry<PseudonymEntry>, mac: string, original: string) {
    const attribute = entry.key[2] as PseudonymAttribute;
    const value = { n: entry.value.n, ...this.#sealed(attribute, mac, original) };
    // A lost race means another writer added it: either way the entry has it now.
    await withKvRetry(() => this.#kv.atomic().check(entry).set(entry.key, value).commit());
  }
}

function pause(attempt: number): Promise<void> {
  const ms = Math.min(20, attempt) * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}
