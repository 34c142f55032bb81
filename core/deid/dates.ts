/**
 * Date shifting for the PS3.15 option Retain Longitudinal Temporal Information with Modified
 * Dates (PS3.15 §E.3.6): every date of a patient moves back by the same keyed number of days,
 * so intervals within that patient survive while the real dates do not.
 *
 * Values that cannot be parsed come back `undefined` and the caller empties the element: a
 * value that cannot be shifted must not be kept as is.
 */
import { createHmac } from "node:crypto";
import { trimPadding } from "../dicom/transfer_syntax.ts";

/** The widest shift, in days (about ten years). */
const MAX_SHIFT_DAYS = 3650;
const MS_PER_DAY = 86_400_000;

/** Domain-separates the shift from `mapUid`, whose input never contains a NUL. */
const SHIFT_DOMAIN = "date-shift\0";

/** DT (PS3.5 Table 6.2-1): each later part only when the earlier is present; then &ZZXX. */
const DT_SYNTAX =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(\.\d{1,6})?)?)?)?)?)?([+-]\d{4})?$/;
const DA_SYNTAX = /^(\d{4})\.?(\d{2})\.?(\d{2})$/;

/**
 * The keyed shift of one patient, in whole days in [-3650, -1] (PS3.15 §E.3.6): never zero and
 * always into the past. Padding of the Patient ID is ignored, so "123 " and "123" share a shift.
 */
export function dayShift(key: Uint8Array, patientId: string): number {
  const id = trimPadding(patientId).replace(/^ +/, "");
  const mac = createHmac("sha256", key).update(SHIFT_DOMAIN + id, "utf8").digest();
  // 48 bits keep the modulo bias below 2^-36.
  return -1 - (mac.readUIntBE(0, 6) % MAX_SHIFT_DAYS);
}

/**
 * Shifts a DA value (PS3.5 Table 6.2-1) by whole days: "YYYYMMDD" or ACR-NEMA "YYYY.MM.DD"
 * (written back as YYYYMMDD), multi-valued, or a range "A-B", "-B", "A-" (PS3.4 §C.2.2.2.5).
 */
export function shiftDate(value: string, days: number): string | undefined {
  return shiftEach(value, days, shiftOneDate);
}

/**
 * Shifts a DT value (PS3.5 Table 6.2-1) by whole days, keeping time, fraction and UTC offset.
 * A value with only YYYY or YYYYMM is read as its first day, shifted, and cut back to the same
 * precision, so it always lands in an earlier year or month than the original; intervals
 * between partial values of one patient then hold to within one unit of their precision.
 */
export function shiftDateTime(value: string, days: number): string | undefined {
  return shiftEach(value, days, shiftOneDateTime);
}

/** Splits multi-values and ranges, shifting each date; undefined if any part is invalid. */
function shiftEach(
  value: string,
  days: number,
  shiftOne: (v: string, days: number) => string | undefined,
): string | undefined {
  if (!Number.isSafeInteger(days)) throw new RangeError("Date shift must be a whole number");
  const out: string[] = [];
  for (const v of trimPadding(value).split("\\")) {
    // An empty value inside a multi-valued element stays empty (PS3.5 §6.4).
    const shifted = v === "" ? "" : shiftOne(v, days) ?? shiftRange(v, days, shiftOne);
    if (shifted === undefined) return undefined;
    out.push(shifted);
  }
  return out.join("\\");
}

/**
 * A range "A-B", "-B" or "A-". DT offsets also contain "-", so every "-" is tried as the
 * separator and the first split with two valid sides wins; `shiftEach` has already preferred
 * reading the whole value as one DT.
 */
function shiftRange(
  v: string,
  days: number,
  shiftOne: (v: string, days: number) => string | undefined,
): string | undefined {
  for (let at = v.indexOf("-"); at >= 0; at = v.indexOf("-", at + 1)) {
    const [a, b] = [v.slice(0, at), v.slice(at + 1)];
    if (a === "" && b === "") return undefined;
    const from = a === "" ? "" : shiftOne(a, days);
    const to = b === "" ? "" : shiftOne(b, days);
    if (from !== undefined && to !== undefined) return `${from}-${to}`;
  }
  return undefined;
}

function shiftOneDate(v: string, days: number): string | undefined {
  const m = DA_SYNTAX.exec(v);
  // The dots come as a pair or not at all: "YYYY.MMDD" is neither form.
  if (m === null || (v.length !== 8 && v.length !== 10)) return undefined;
  return addDays(m[1], m[2], m[3], days);
}

function shiftOneDateTime(v: string, days: number): string | undefined {
  const m = DT_SYNTAX.exec(v);
  if (m === null) return undefined;
  const [, year, month, day, hour, minute, second, , offset] = m;
  if (!inRange(hour, 23) || !inRange(minute, 59) || !inRange(second, 60)) return undefined;
  if (offset !== undefined && (!inRange(offset.slice(1, 3), 14) || !inRange(offset.slice(3), 59))) {
    return undefined;
  }
  const date = addDays(year, month ?? "01", day ?? "01", days);
  if (date === undefined) return undefined;
  // Cut the shifted date back to the precision the value had; keep the rest verbatim.
  const precision = 4 + (month === undefined ? 0 : 2) + (day === undefined ? 0 : 2);
  return date.slice(0, precision) + v.slice(precision);
}

/** True when the optional two-digit part is absent or at most `max`. */
function inRange(part: string | undefined, max: number): boolean {
  return part === undefined || Number(part) <= max;
}

/** YYYYMMDD of the given calendar date plus `days`, in UTC; undefined if not a real date. */
function addDays(y: string, m: string, d: string, days: number): string | undefined {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(Number(y), Number(m) - 1, Number(d));
  if (date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  date.setTime(date.getTime() + days * MS_PER_DAY);
  const year = date.getUTCFullYear();
  // Four digits only; NaN when the shift left the range of Date at all.
  if (!(year >= 0 && year <= 9999)) return undefined;
  const two = (n: number) => String(n).padStart(2, "0");
  return String(year).padStart(4, "0") + two(date.getUTCMonth() + 1) + two(date.getUTCDate());
}
