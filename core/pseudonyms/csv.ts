/**
 * The crosswalk table as CSV (RFC 4180): `attribute,original,pseudonym`, CRLF line ends. A cell
 * that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or CR) is
 * written with a leading `'`, and so is one that already starts with `'`; reading removes one
 * `'`, so every value survives the round trip exactly. Errors name row numbers, never a value.
 */
import { ATTRIBUTE_NAMES, type PseudonymAttribute } from "./attributes.ts";

/** One line of the crosswalk. */
export interface CrosswalkRow {
  readonly attribute: PseudonymAttribute;
  readonly original: string;
  readonly pseudonym: string;
}

/** The header line. */
export const CSV_HEADER = "attribute,original,pseudonym";

/** A crosswalk file that cannot be read or merged; the message names rows, never values. */
export class CrosswalkError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "CrosswalkError";
  }
}

/** The rows as CSV text. */
export function toCsv(rows: readonly CrosswalkRow[]): string {
  const lines = [CSV_HEADER];
  for (const r of rows) lines.push([r.attribute, r.original, r.pseudonym].map(cell).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** Reads CSV text written by {@link toCsv} (any RFC 4180 quoting, CRLF or LF). */
export function parseCsv(text: string): CrosswalkRow[] {
  const records = splitRecords(text);
  if (records[0]?.join(",") !== CSV_HEADER) {
    throw new CrosswalkError(`Not a crosswalk table: the first line must be ${CSV_HEADER}`);
  }
  return records.slice(1).map((fields, i) => {
    if (fields.length !== 3) {
      throw new CrosswalkError(`Row ${i + 1}: expected 3 fields, found ${fields.length}`);
    }
    const [attribute, original, pseudonym] = fields.map(uncell);
    if (!(ATTRIBUTE_NAMES as string[]).includes(attribute)) {
      throw new CrosswalkError(
        `Row ${i + 1}: unknown attribute; known: ${ATTRIBUTE_NAMES.join(", ")}`,
      );
    }
    return { attribute: attribute as PseudonymAttribute, original, pseudonym };
  });
}

function cell(value: string): string {
  const guarded = /^[=+\-@\t\r']/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

function uncell(value: string): string {
  return value.startsWith("'") ? value.slice(1) : value;
}

/** RFC 4180 records; a final empty line is not a record. */
function splitRecords(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  const endRecord = () => {
    fields.push(field);
    records.push(fields);
    fields = [];
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n") endRecord();
    else if (c === "\r" && text[i + 1] === "\n") {
      endRecord();
      i++;
    } else field += c;
  }
  if (quoted) throw new CrosswalkError(`Row ${records.length}: a quoted field does not end`);
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}
