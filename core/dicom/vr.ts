/** The Value Representations of PS3.5 Table 6.2-1. */
export type Vr =
  | "AE"
  | "AS"
  | "AT"
  | "CS"
  | "DA"
  | "DS"
  | "DT"
  | "FD"
  | "FL"
  | "IS"
  | "LO"
  | "LT"
  | "OB"
  | "OD"
  | "OF"
  | "OL"
  | "OV"
  | "OW"
  | "PN"
  | "SH"
  | "SL"
  | "SQ"
  | "SS"
  | "ST"
  | "SV"
  | "TM"
  | "UC"
  | "UI"
  | "UL"
  | "UN"
  | "UR"
  | "US"
  | "UT"
  | "UV";

/** Every VR of PS3.5 Table 6.2-1. */
export const VRS: readonly Vr[] = [
  "AE",
  "AS",
  "AT",
  "CS",
  "DA",
  "DS",
  "DT",
  "FD",
  "FL",
  "IS",
  "LO",
  "LT",
  "OB",
  "OD",
  "OF",
  "OL",
  "OV",
  "OW",
  "PN",
  "SH",
  "SL",
  "SQ",
  "SS",
  "ST",
  "SV",
  "TM",
  "UC",
  "UI",
  "UL",
  "UN",
  "UR",
  "US",
  "UT",
  "UV",
];

const ALL_VRS: ReadonlySet<string> = new Set(VRS);

/** VRs whose explicit header has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
const LONG_LENGTH_VRS: ReadonlySet<string> = new Set([
  "OB",
  "OD",
  "OF",
  "OL",
  "OV",
  "OW",
  "SQ",
  "SV",
  "UC",
  "UN",
  "UR",
  "UT",
  "UV",
]);

/** VRs holding character strings (PS3.5 §6.2), whose values can be decoded as text. */
const TEXT_VRS: ReadonlySet<string> = new Set([
  "AE",
  "AS",
  "CS",
  "DA",
  "DS",
  "DT",
  "IS",
  "LO",
  "LT",
  "PN",
  "SH",
  "ST",
  "TM",
  "UC",
  "UI",
  "UR",
  "UT",
]);

/** True when the two characters name a VR of the standard. */
export function isVr(s: string): s is Vr {
  return ALL_VRS.has(s);
}

/** True when the explicit VR header of this VR carries a 32-bit length. */
export function hasLongLength(vr: Vr): boolean {
  return LONG_LENGTH_VRS.has(vr);
}

/** True for character-string VRs. */
export function isTextVr(vr: Vr): boolean {
  return TEXT_VRS.has(vr);
}
