/**
 * The crosswalk over KV: export lists original ↔ pseudonym for every entry whose original was
 * kept (sealed, at_rest.ts); import merges a table without renumbering anything and refuses
 * conflicts. Both need the de-identification key (the HMAC index and the at-rest key).
 */
import { withKvRetry } from "../kv/retry.ts";
import { normalizeOriginal, PSEUDONYM_ATTRIBUTES, type PseudonymAttribute } from "./attributes.ts";
import { atRestKey, openOriginal, sealOriginal } from "./at_rest.ts";
import { CrosswalkError, type CrosswalkRow } from "./csv.ts";
import {
  entryKey,
  indexKey,
  lastKey,
  numberKey,
  originalMac,
  PSEUDONYM_ROOT,
  type PseudonymEntry,
  sealContext,
} from "./kv_keys.ts";
import { formatPseudonym, parsePseudonym } from "./sequence_names.ts";

/** What an export found. */
export interface CrosswalkExport {
  readonly rows: CrosswalkRow[];
  /** Entries allocated while the crosswalk was off: no original to list. */
  readonly withoutOriginal: number;
}

/** Every entry with its original, sorted by prefix, attribute and number. */
export async function exportCrosswalk(kv: Deno.Kv, key: Uint8Array): Promise<CrosswalkExport> {
  const atRest = atRestKey(key);
  const found: { prefix: string; attribute: PseudonymAttribute; n: number; original: string }[] =
    [];
  let withoutOriginal = 0;
  for await (const e of kv.list<PseudonymEntry>({ prefix: [PSEUDONYM_ROOT] })) {
    if (e.key.length !== 5 || e.key[3] !== "h") continue;
    const [, prefix, attribute, , mac] = e.key as [
      string,
      string,
      PseudonymAttribute,
      string,
      string,
    ];
    if (!e.value.original) {
      withoutOriginal++;
      continue;
    }
    const context = sealContext(prefix, attribute, mac);
    found.push({
      prefix,
      attribute,
      n: e.value.n,
      original: openOriginal(atRest, context, e.value.original),
    });
  }
  found.sort((a, b) =>
    a.prefix.localeCompare(b.prefix) || a.attribute.localeCompare(b.attribute) || a.n - b.n
  );
  const rows = found.map((f) => ({
    attribute: f.attribute,
    original: f.original,
    pseudonym: formatPseudonym(f.prefix, f.attribute, f.n),
  }));
  return { rows, withoutOriginal };
}

/** What an import did. */
export interface CrosswalkImport {
  readonly added: number;
  readonly unchanged: number;
}

interface Planned {
  readonly row: number;
  readonly prefix: string;
  readonly attribute: PseudonymAttribute;
  readonly n: number;
  readonly mac: string;
  readonly original: string;
}

/**
 * Merges `rows` into KV. Every row is checked first — against the others and against KV: an
 * original that already has another number, or a number that belongs to another original, is
 * a conflict — and any conflict refuses the whole table (CrosswalkError naming rows). Then the
 * new rows are written, each with `check()`s, and each sequence's last number is raised so
 * later allocations continue after them. Existing entries are never renumbered.
 */
export async function importCrosswalk(
  kv: Deno.Kv,
  key: Uint8Array,
  rows: readonly CrosswalkRow[],
): Promise<CrosswalkImport> {
  const plan = planRows(rows, indexKey(key));
  const conflicts: number[] = [];
  const fresh: Planned[] = [];
  const incomplete: [Planned, Deno.KvEntry<PseudonymEntry>][] = [];
  for (const p of plan) {
    const { state, entry } = await rowState(kv, p);
    if (state === "conflict") conflicts.push(p.row);
    else if (state === "new") fresh.push(p);
    else if (!entry.value?.original) incomplete.push([p, entry as Deno.KvEntry<PseudonymEntry>]);
  }
  if (conflicts.length) throw conflictError(conflicts, true);
  const atRest = atRestKey(key);
  const seal = (p: Planned) =>
    sealOriginal(atRest, sealContext(p.prefix, p.attribute, p.mac), p.original);
  // Entries allocated while the crosswalk was off get their original (a lost race: someone
  // else completed it).
  for (const [p, entry] of incomplete) {
    const value: PseudonymEntry = { n: p.n, original: seal(p) };
    await withKvRetry(() => kv.atomic().check(entry).set(entry.key, value).commit());
  }
  for (const p of fresh) {
    const value: PseudonymEntry = { n: p.n, original: seal(p) };
    const eKey = entryKey(p.prefix, p.attribute, p.mac);
    const nKey = numberKey(p.prefix, p.attribute, p.n);
    const lKey = lastKey(p.prefix, p.attribute);
    for (;;) {
      const last = await withKvRetry(() => kv.get<number>(lKey));
      const res = await withKvRetry(() =>
        kv.atomic().check({ key: eKey, versionstamp: null }).check({
          key: nKey,
          versionstamp: null,
        })
          .check(last).set(eKey, value).set(nKey, p.mac).set(lKey, Math.max(last.value ?? 0, p.n))
          .commit()
      );
      if (res.ok) break;
      // Someone allocated meanwhile: fine unless it took this original or this number.
      if ((await rowState(kv, p)).state === "conflict") throw conflictError([p.row], false);
    }
  }
  return { added: fresh.length, unchanged: plan.length - fresh.length };
}

/** Validates rows and checks them against each other. */
function planRows(rows: readonly CrosswalkRow[], index: Uint8Array): Planned[] {
  const byOriginal = new Map<string, number>();
  const byNumber = new Map<string, string>();
  const conflicts: number[] = [];
  const plan: Planned[] = [];
  rows.forEach((r, i) => {
    const row = i + 1;
    const parsed = parsePseudonym(r.pseudonym);
    const original = normalizeOriginal(r.original);
    if (!parsed || r.pseudonym.length > PSEUDONYM_ATTRIBUTES[r.attribute].maxLength) {
      throw new CrosswalkError(`Row ${row}: the pseudonym is not PREFIX-000001-style`);
    }
    if (original === "") throw new CrosswalkError(`Row ${row}: empty original`);
    const mac = originalMac(index, parsed.prefix, r.attribute, original);
    const id = `${parsed.prefix}\0${r.attribute}`;
    const n = byOriginal.get(`${id}\0${mac}`);
    const other = byNumber.get(`${id}\0${parsed.n}`);
    if ((n !== undefined && n !== parsed.n) || (other !== undefined && other !== mac)) {
      conflicts.push(row);
    }
    byOriginal.set(`${id}\0${mac}`, parsed.n);
    byNumber.set(`${id}\0${parsed.n}`, mac);
    plan.push({ row, prefix: parsed.prefix, attribute: r.attribute, n: parsed.n, mac, original });
  });
  if (conflicts.length) throw conflictError(conflicts, true);
  return plan;
}

/** "same": already in KV; "new": free to add; "conflict": KV says otherwise. */
async function rowState(kv: Deno.Kv, p: Planned) {
  const [entry, taken] = await withKvRetry(() =>
    kv.getMany<[PseudonymEntry, string]>([
      entryKey(p.prefix, p.attribute, p.mac),
      numberKey(p.prefix, p.attribute, p.n),
    ])
  );
  const state = entry.value !== null
    ? (entry.value.n === p.n ? "same" : "conflict")
    : (taken.value === null ? "new" : "conflict");
  return { state, entry };
}

function conflictError(rows: number[], beforeWriting: boolean): CrosswalkError {
  const shown = rows.slice(0, 20).join(", ") + (rows.length > 20 ? ", …" : "");
  return new CrosswalkError(
    `Refused: ${rows.length} row(s) conflict with the crosswalk (an original with another ` +
      `pseudonym, or a pseudonym taken by another original): row ${shown}. ` +
      (beforeWriting
        ? "Nothing was imported."
        : "An allocation raced the import; the rows before it were imported."),
  );
}
