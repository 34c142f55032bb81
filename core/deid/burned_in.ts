/**
 * The burned-in annotation guard (PS3.15 §E.1.1, §E.3.1): what to do with a file's pixels,
 * decided from its original header before the first output byte. Text burned into pixels is
 * out of reach of attribute rules, so a file that says it has some (0028,0301) = YES is held
 * back unless a Clean Pixel Data rule covers it or the user allows it; files of the kinds
 * that often carry such text, and do not say NO, are flagged.
 */
import type { PixelFacts } from "./pixel_facts.ts";
import { type PixelLayout, pixelLayout } from "./pixel_layout.ts";
import { matchPixelRule, type PixelRule } from "./pixel_rules.ts";

/**
 * SOP Classes that often carry burned-in text (PS3.4 Annex B): screen captures and
 * ultrasound, whose devices write names, dates and IDs into the image itself.
 */
export const OFTEN_BURNED_IN_SOP_CLASSES: Readonly<Record<string, string>> = {
  "1.2.840.10008.5.1.4.1.1.7": "Secondary Capture Image Storage",
  "1.2.840.10008.5.1.4.1.1.7.1": "Multi-frame Single Bit Secondary Capture Image Storage",
  "1.2.840.10008.5.1.4.1.1.7.2": "Multi-frame Grayscale Byte Secondary Capture Image Storage",
  "1.2.840.10008.5.1.4.1.1.7.3": "Multi-frame Grayscale Word Secondary Capture Image Storage",
  "1.2.840.10008.5.1.4.1.1.7.4": "Multi-frame True Color Secondary Capture Image Storage",
  "1.2.840.10008.5.1.4.1.1.6.1": "Ultrasound Image Storage",
  "1.2.840.10008.5.1.4.1.1.6": "Ultrasound Image Storage (Retired)",
  "1.2.840.10008.5.1.4.1.1.3.1": "Ultrasound Multi-frame Image Storage",
  "1.2.840.10008.5.1.4.1.1.3": "Ultrasound Multi-frame Image Storage (Retired)",
};

/**
 * Modalities (0008,0060) that often carry burned-in text whatever their SOP Class: ultrasound,
 * intravascular ultrasound, "other" and the de-facto "SC" of screen captures, endoscopy and
 * external-camera photography (video overlays).
 */
export const OFTEN_BURNED_IN_MODALITIES: readonly string[] = ["US", "IVUS", "OT", "SC", "ES", "XC"];

/** Reasons a file is held back (a DeidSkipError's `reason`): not failures, nothing is lost. */
export const HELD_BACK_REASONS: readonly string[] = [
  "burned-in",
  "compressed-pixels",
  "pixel-layout",
];

/** Settings of the guard and of Clean Pixel Data. */
export interface PixelPolicy {
  readonly rules?: readonly PixelRule[];
  readonly allowBurnedIn?: boolean;
}

/** What happens to a file's pixels. Messages name tags, never values. */
export type PixelVerdict =
  | { readonly action: "pass" }
  | { readonly action: "flag"; readonly reason: string }
  | { readonly action: "allow" }
  | { readonly action: "clean"; readonly rule: number; readonly layout: PixelLayout }
  | { readonly action: "hold"; readonly reason: string; readonly message: string };

/** Decides from the original header; `facts.complete` false means it was over the hold cap. */
export function decidePixels(facts: PixelFacts, policy: PixelPolicy): PixelVerdict {
  const rule = policy.rules?.length && facts.pixelData ? matchPixelRule(policy.rules, facts) : -1;
  if (rule >= 0) {
    const which = `Clean Pixel Data rule ${rule + 1} matches`;
    if (facts.pixelData === "encapsulated") {
      return hold(
        "compressed-pixels",
        `compressed pixel data cannot be cleaned (${which}, transfer syntax ${
          safeUid(facts.transferSyntax)
        })`,
      );
    }
    const layout = pixelLayout(facts);
    if (typeof layout === "string") {
      return hold("pixel-layout", `pixel layout cannot be cleaned (${which}): ${layout}`);
    }
    return { action: "clean", rule, layout };
  }
  const said = (facts.burnedIn ?? "").trim().toUpperCase();
  if (said === "YES") {
    if (policy.allowBurnedIn) return { action: "allow" };
    return hold(
      "burned-in",
      "burned-in annotation: Burned In Annotation (0028,0301) is YES and no Clean Pixel Data " +
        "rule covers the file",
    );
  }
  if (said === "NO") return { action: "pass" };
  if (!facts.complete && facts.burnedIn === undefined) {
    return { action: "flag", reason: "header too long to reach (0028,0301) before output" };
  }
  const kind = oftenBurnedIn(facts);
  return kind ? { action: "flag", reason: kind } : { action: "pass" };
}

/** Why a file of this kind may carry burned-in text (a name from the lists above), if it may. */
export function oftenBurnedIn(facts: PixelFacts): string | undefined {
  const sop = (facts.sopClass || facts.mediaSopClass || "").trim();
  if (sop in OFTEN_BURNED_IN_SOP_CLASSES) return OFTEN_BURNED_IN_SOP_CLASSES[sop];
  const modality = (facts.modality ?? "").trim().toUpperCase();
  return OFTEN_BURNED_IN_MODALITIES.includes(modality) ? `modality ${modality}` : undefined;
}

/** True for a DeidSkipError reason that means "held back" rather than "skipped". */
export function isHeldBackReason(reason: string): boolean {
  return HELD_BACK_REASONS.includes(reason);
}

function hold(reason: string, what: string): PixelVerdict {
  return { action: "hold", reason, message: `Held back: ${what}` };
}

/** A transfer syntax UID as found, if UID-shaped (it goes into a message). */
function safeUid(uid: string | undefined): string {
  return uid && /^[0-9.]{1,64}$/.test(uid) ? uid : "unknown";
}
