/**
 * PS3.15 Table E.3.10-1 "Safe Private Attributes" (Retain Safe Private Option, PS3.15 §E.3.10),
 * plus a matcher that also accepts a user-supplied list.
 *
 * Transcribed row by row (no row added, none dropped) from the reStructuredText conversion of
 * PS3.15 Annex E in chsasank/dicom_standard, path source/part15/chapter_E.rst, commit
 * 2c591286f447224ab83b067e3f505449d4ec2184 (Sphinx project dated 2020; the DICOM edition is not
 * stated there). Only RST markup was removed: "1\ :sup:`st`\ value" became "1st value". Newer
 * editions list more rows (e.g. many "Philips Imaging DD 001/002/097/129" (2001,xxEE) entries, as
 * transcribed without meanings in malaterre/GDCM gdcmCleaner.cxx); no faithful transcription of a
 * newer table with its meanings was found, so those are not included. Add them through
 * parseSafePrivateList() from a conformance statement or a newer edition instead.
 *
 * The standard itself warns (§E.3.10 Note 1) that vendors do not guarantee these to be safe.
 */
import { trimPadding } from "../../dicom/transfer_syntax.ts";
import { DeidPolicyError } from "../errors.ts";

/** One row: tag as published ("(gggg,xxee)"), private creator, VR, VM, meaning ("" if blank). */
export type SafePrivateRow = readonly [
  tag: string,
  creator: string,
  vr: string,
  vm: string,
  meaning: string,
];

/** The rows of PS3.15 Table E.3.10-1, in table order. */
export const SAFE_PRIVATE_ROWS: readonly SafePrivateRow[] = [
  [
    "(7053,xx00)",
    "Philips PET Private Group",
    "DS",
    "1",
    "SUV Factor - Multiplying stored pixel values by Rescale Slope then this factor results in SUVbw in g/l",
  ],
  [
    "(7053,xx09)",
    "Philips PET Private Group",
    "DS",
    "1",
    "Activity Concentration Factor - Multiplying stored pixel values by Rescale Slope then this factor results in MBq/ml.",
  ],
  ["(00E1,xx21)", "ELSCINT1", "DS", "1", "DLP"],
  ["(00E1,xx50)", "ELSCINT1", "DS", "1", "Acquisition Duration"],
  ["(01E1,xx26)", "ELSCINT1", "CS", "1", "Phantom Type"],
  ["(01F1,xx01)", "ELSCINT1", "CS", "1", "Acquisition Type"],
  ["(01F1,xx07)", "ELSCINT1", "DS", "1", "Table Velocity"],
  ["(01F1,xx26)", "ELSCINT1", "DS", "1", "Pitch"],
  ["(01F1,xx27)", "ELSCINT1", "DS", "1", "Rotation Time"],
  ["(0019,xx23)", "GEMS_ACQU_01", "DS", "1", "Table Speed [mm/rotation]"],
  ["(0019,xx24)", "GEMS_ACQU_01", "DS", "1", "Mid Scan Time [sec]"],
  ["(0019,xx27)", "GEMS_ACQU_01", "DS", "1", "Rotation Speed (Gantry Period)"],
  ["(0019,xx9E)", "GEMS_ACQU_01", "LO", "1", "Internal Pulse Sequence Name"],
  ["(0043,xx27)", "GEMS_PARM_01", "SH", "1", 'Scan Pitch Ratio in the form "n.nnn:1"'],
  ["(0045,xx01)", "GEMS_HELIOS_01", "SS", "1", "Number of Macro Rows in Detector"],
  ["(0045,xx02)", "GEMS_HELIOS_01", "FL", "1", "Macro width at ISO Center"],
  ["(0903,xx10)", "GEIIS PACS", "US", "1", "Reject Image Flag"],
  ["(0903,xx11)", "GEIIS PACS", "US", "1", "Significant Flag"],
  ["(0903,xx12)", "GEIIS PACS", "US", "1", "Confidential Flag"],
  ["(2001,xx03)", "Philips Imaging DD 001", "FL", "1", "Diffusion B-Factor"],
  ["(2001,xx04)", "Philips Imaging DD 001", "CS", "1", "Diffusion Direction"],
  ["(0019,xx0C)", "SIEMENS MR HEADER", "IS", "1", "B Value"],
  ["(0019,xx0D)", "SIEMENS MR HEADER", "CS", "1", "Diffusion Directionality"],
  ["(0019,xx0E)", "SIEMENS MR HEADER", "FD", "3", "Diffusion Gradient Direction"],
  ["(0019,xx27)", "SIEMENS MR HEADER", "FD", "6", "B Matrix"],
  ["(0043,xx39)", "GEMS_PARM_01", "IS", "4", "1st value is B Value"],
  ["(0043,xx6F)", "GEMS_PARM_01", "DS", "3-4", "Scanner Table Entry + Gradient Coil Selected"],
  ["(0025,xx07)", "GEMS_SERS_01", "SL", "1", "Images in Series"],
  ["(7E01,xx01)", "HOLOGIC, Inc.", "LO", "1", "Codec Version"],
  ["(7E01,xx02)", "HOLOGIC, Inc.", "SH", "1", "Codec Content Type"],
  ["(7E01,xx10)", "HOLOGIC, Inc.", "SQ", "1", "High Resolution Data Sequence"],
  ["(7E01,xx11)", "HOLOGIC, Inc.", "SQ", "1", "Low Resolution Data Sequence"],
  ["(7E01,xx12)", "HOLOGIC, Inc.", "OB", "1", "Codec Content"],
  ["(0099,xx01)", "NQHeader", "UI", "1", "Version"],
  ["(0099,xx02)", "NQHeader", "UI", "1", "Analyzed Series UID"],
  ["(0099,xx04)", "NQHeader", "SS", "1", "Return Code"],
  ["(0099,xx05)", "NQHeader", "LT", "1", "Return Message"],
  ["(0099,xx10)", "NQHeader", "FL", "1", "MI"],
  ["(0099,xx20)", "NQHeader", "SH", "1", "Units"],
  ["(0099,xx21)", "NQHeader", "FL", "1", "ICV"],
  ["(0199,xx01)", "NQLeft", "FL", "1", "Left Cortical White Matter"],
  ["(0199,xx02)", "NQLeft", "FL", "1", "Left Cortical Gray Matter"],
  ["(0199,xx03)", "NQLeft", "FL", "1", "Left 3rd Ventricle"],
  ["(0199,xx04)", "NQLeft", "FL", "1", "Left 4th Ventricle"],
  ["(0199,xx05)", "NQLeft", "FL", "1", "Left 5th Ventricle"],
  ["(0199,xx06)", "NQLeft", "FL", "1", "Left Lateral Ventricle"],
  ["(0199,xx07)", "NQLeft", "FL", "1", "Left Inferior Lateral Ventricle"],
  ["(0199,xx08)", "NQLeft", "FL", "1", "Left Inferior CSF"],
  ["(0199,xx09)", "NQLeft", "FL", "1", "Left Cerebellar White Matter"],
  ["(0199,xx0a)", "NQLeft", "FL", "1", "Left Cerebellar Gray Matter"],
  ["(0199,xx0b)", "NQLeft", "FL", "1", "Left Hippocampus"],
  ["(0199,xx0c)", "NQLeft", "FL", "1", "Left Amygdala"],
  ["(0199,xx0d)", "NQLeft", "FL", "1", "Left Thalamus"],
  ["(0199,xx0e)", "NQLeft", "FL", "1", "Left Caudate"],
  ["(0199,xx0f)", "NQLeft", "FL", "1", "Left Putamen"],
  ["(0199,xx10)", "NQLeft", "FL", "1", "Left Pallidum"],
  ["(0199,xx11)", "NQLeft", "FL", "1", "Left Ventral Diencephalon"],
  ["(0199,xx12)", "NQLeft", "FL", "1", "Left Nucleus Accumbens"],
  ["(0199,xx13)", "NQLeft", "FL", "1", "Left Brain Stem"],
  ["(0199,xx14)", "NQLeft", "FL", "1", "Left Exterior CSF"],
  ["(0199,xx15)", "NQLeft", "FL", "1", "Left WM Hypo"],
  ["(0199,xx16)", "NQLeft", "FL", "1", "Left Other"],
  ["(0299,xx01)", "NQRight", "FL", "1", "Right Cortical White Matter"],
  ["(0299,xx02)", "NQRight", "FL", "1", "Right Cortical Gray Matter"],
  ["(0299,xx03)", "NQRight", "FL", "1", "Right 3rd Ventricle"],
  ["(0299,xx04)", "NQRight", "FL", "1", "Right 4th Ventricle"],
  ["(0299,xx05)", "NQRight", "FL", "1", "Right 5th Ventricle"],
  ["(0299,xx06)", "NQRight", "FL", "1", "Right Lateral Ventricle"],
  ["(0299,xx07)", "NQRight", "FL", "1", "Right Inferior Lateral Ventricle"],
  ["(0299,xx08)", "NQRight", "FL", "1", "Right Inferior CSF"],
  ["(0299,xx09)", "NQRight", "FL", "1", "Right Cerebellar White Matter"],
  ["(0299,xx0a)", "NQRight", "FL", "1", "Right Cerebellar Gray Matter"],
  ["(0299,xx0b)", "NQRight", "FL", "1", "Right Hippocampus"],
  ["(0299,xx0c)", "NQRight", "FL", "1", "Right Amygdala"],
  ["(0299,xx0d)", "NQRight", "FL", "1", "Right Thalamus"],
  ["(0299,xx0e)", "NQRight", "FL", "1", "Right Caudate"],
  ["(0299,xx0f)", "NQRight", "FL", "1", "Right Putamen"],
  ["(0299,xx10)", "NQRight", "FL", "1", "Right Pallidum"],
  ["(0299,xx11)", "NQRight", "FL", "1", "Right Ventral Diencephalon"],
  ["(0299,xx12)", "NQRight", "FL", "1", "Right Nucleus Accumbens"],
  ["(0299,xx13)", "NQRight", "FL", "1", "Right Brain Stem"],
  ["(0299,xx14)", "NQRight", "FL", "1", "Right Exterior CSF"],
  ["(0299,xx15)", "NQRight", "FL", "1", "Right WM Hypo"],
  ["(0299,xx16)", "NQRight", "FL", "1", "Right Other"],
  ["(2005,xx0D)", "Philips MR Imaging DD 001", "FL", "1", "Scale Intercept"],
  ["(2005,xx0E)", "Philips MR Imaging DD 001", "FL", "1", "Scale Slope"],
  ["(0119,xx00)", "SIEMENS Ultrasound SC2000", "LO", "1", "Acoustic Meta Information Version"],
  ["(0119,xx01)", "SIEMENS Ultrasound SC2000", "OB", "1", "Common Acoustic Meta Information"],
  ["(0119,xx02)", "SIEMENS Ultrasound SC2000", "SQ", "1", "Multi Stream Sequence"],
  ["(0119,xx03)", "SIEMENS Ultrasound SC2000", "SQ", "1", "Acoustic Data Sequence"],
  [
    "(0119,xx04)",
    "SIEMENS Ultrasound SC2000",
    "OB",
    "1",
    "Per Transaction Acoustic Control Information",
  ],
  ["(0119,xx05)", "SIEMENS Ultrasound SC2000", "UL", "1", "Acoustic Data Offset"],
  ["(0119,xx06)", "SIEMENS Ultrasound SC2000", "UL", "1", "Acoustic Data Length"],
  ["(0119,xx07)", "SIEMENS Ultrasound SC2000", "UL", "1", "Footer Offset"],
  ["(0119,xx08)", "SIEMENS Ultrasound SC2000", "UL", "1", "Footer Length"],
  ["(0119,xx09)", "SIEMENS Ultrasound SC2000", "SS", "1", "Acoustic Stream Number"],
  ["(0119,xx10)", "SIEMENS Ultrasound SC2000", "SH", "1", "Acoustic Stream Type"],
  ["(0119,xx11)", "SIEMENS Ultrasound SC2000", "", "1", "Stage Timer Time"],
  ["(0119,xx12)", "SIEMENS Ultrasound SC2000", "", "1", "Stop Watch Time"],
  ["(0119,xx13)", "SIEMENS Ultrasound SC2000", "IS", "1", "Volume Rate"],
  ["(0119,xx21)", "SIEMENS Ultrasound SC2000", "SH", "1", ""],
  ["(0129,xx00)", "SIEMENS Ultrasound SC2000", "SQ", "1", "MPR View Sequence"],
  ["(0129,xx02)", "SIEMENS Ultrasound SC2000", "UI", "1", "Bookmark UID"],
  ["(0129,xx03)", "SIEMENS Ultrasound SC2000", "", "1", "Plane Origin Vector"],
  ["(0129,xx04)", "SIEMENS Ultrasound SC2000", "", "1", "Row Vector"],
  ["(0129,xx05)", "SIEMENS Ultrasound SC2000", "", "1", "Column Vector"],
  ["(0129,xx06)", "SIEMENS Ultrasound SC2000", "SQ", "1", "Visualization Sequence"],
  ["(0129,xx07)", "SIEMENS Ultrasound SC2000", "UI", "1", "Bookmark UID"],
  ["(0129,xx08)", "SIEMENS Ultrasound SC2000", "OB", "1", "Visualization Information"],
  ["(0129,xx09)", "SIEMENS Ultrasound SC2000", "SQ", "1", "Application State Sequence"],
  ["(0129,xx10)", "SIEMENS Ultrasound SC2000", "OB", "1", "Application State Information"],
  ["(0129,xx11)", "SIEMENS Ultrasound SC2000", "SQ", "1", "Referenced Bookmark Sequence"],
  ["(0129,xx12)", "SIEMENS Ultrasound SC2000", "UI", "1", "Referenced Bookmark UID"],
  ["(0129,xx20)", "SIEMENS Ultrasound SC2000", "SQ", "1", "Cine Parameters Sequence"],
  ["(0129,xx21)", "SIEMENS Ultrasound SC2000", "OB", "1", "Cine Parameters Schema"],
  ["(0129,xx22)", "SIEMENS Ultrasound SC2000", "OB", "1", "Values of Cine Parameters"],
  ["(0129,xx29)", "SIEMENS Ultrasound SC2000", "OB", "1", ""],
  ["(0129,xx30)", "SIEMENS Ultrasound SC2000", "CS", "1", "Raw Data Object Type"],
  ["(0139,xx01)", "SIEMENS Ultrasound SC2000", "SL", "1", "Physio Capture ROI"],
  ["(0149,xx01)", "SIEMENS Ultrasound SC2000", "FD", "1-n", "Vector of BROI Points"],
  ["(0149,xx02)", "SIEMENS Ultrasound SC2000", "FD", "1-n", "Start/End Timestamps of Strip Stream"],
  ["(0149,xx03)", "SIEMENS Ultrasound SC2000", "FD", "1-n", "Timestamps of Visible R-waves"],
  ["(7FD1,xx01)", "SIEMENS Ultrasound SC2000", "OB", "1", "Acoustic Image and Footer Data"],
  ["(7FD1,xx09)", "SIEMENS Ultrasound SC2000", "UI", "1", "Volume Version ID"],
  ["(7FD1,xx10)", "SIEMENS Ultrasound SC2000", "OB", "1", "Volume Payload"],
  ["(7FD1,xx11)", "SIEMENS Ultrasound SC2000", "OB", "1", "After Payload"],
  ["(7FD1,xx01)", "SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", "OB", "1", "Padding"],
  ["(7FD1,xx09)", "SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", "UI", "1", "Version ID"],
  ["(7FD1,xx10)", "SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", "OB", "1", "Volume Payload"],
  ["(7FD1,xx11)", "SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING", "OB", "1", "After Payload"],
];

/** A safe private element: odd group, private creator, element offset within the block. */
export interface SafePrivateEntry {
  readonly group: number;
  readonly creator: string;
  readonly elementLow: number;
}

const PRIVATE_PATTERN = /^\(([0-9A-Fa-f]{4}),[xX]{2}([0-9A-Fa-f]{2})\)$/;

/**
 * Leading and trailing spaces (and a NUL pad) of LO are not significant (PS3.5 §6.2), and
 * creators are written both ways in the wild, so keys compare the trimmed creator.
 */
function key(group: number, creator: string, elementLow: number): string {
  return `${group}|${trimPadding(creator, true)}|${elementLow}`;
}

/** Parses "(gggg,xxee)" + creator into an entry; throws DeidPolicyError when malformed. */
export function safePrivateEntry(tag: string, creator: string): SafePrivateEntry {
  const m = PRIVATE_PATTERN.exec(tag);
  const group = m ? parseInt(m[1], 16) : 0;
  if (!m || (group & 1) === 0 || creator.trim() === "") {
    throw new DeidPolicyError(
      `Safe private entry ${JSON.stringify(tag)} must be "(gggg,xxee)" with an odd group ` +
        "and a non-empty creator",
    );
  }
  return { group, creator, elementLow: parseInt(m[2], 16) };
}

/**
 * Reads a user list of safe private elements. JSON shape (one object per element):
 * `[{ "tag": "(0019,xx23)", "creator": "GEMS_ACQU_01" }, ...]`; other keys are ignored.
 */
export function parseSafePrivateList(json: unknown): SafePrivateEntry[] {
  if (!Array.isArray(json)) throw new DeidPolicyError("Safe private list must be a JSON array");
  return json.map((item, i) => {
    const { tag, creator } = (item ?? {}) as Record<string, unknown>;
    if (typeof tag !== "string" || typeof creator !== "string") {
      throw new DeidPolicyError(`Safe private list item ${i} needs string "tag" and "creator"`);
    }
    return safePrivateEntry(tag, creator);
  });
}

/** Builds a matcher over Table E.3.10-1 plus extra entries (e.g. from parseSafePrivateList). */
export function safePrivateMatcher(
  extra: readonly SafePrivateEntry[] = [],
): (group: number, creator: string, elementLow: number) => boolean {
  const keys = new Set<string>();
  for (const [tag, creator] of SAFE_PRIVATE_ROWS) {
    const e = safePrivateEntry(tag, creator);
    keys.add(key(e.group, e.creator, e.elementLow));
  }
  for (const e of extra) keys.add(key(e.group, e.creator, e.elementLow));
  return (group, creator, elementLow) => keys.has(key(group, creator, elementLow & 0xff));
}

const TABLE_MATCHER = safePrivateMatcher();

/**
 * True when (group, creator, low byte of the element) is listed in PS3.15 Table E.3.10-1.
 * The private creator element itself is not listed; the caller keeps it when it keeps any
 * element of its block (PS3.15 §E.3.10).
 */
export function isSafePrivate(group: number, creator: string, elementLow: number): boolean {
  return TABLE_MATCHER(group, creator, elementLow);
}
