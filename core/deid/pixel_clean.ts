/**
 * The burned-in guard and Clean Pixel Data (PS3.15 §E.3.1, option 113101) wired into a file's
 * pipeline: the de-identification stage feeds a probe the original events of its held header
 * and asks {@link PixelGuard.check} when that header is complete
 * (before any output byte, so a held-back file is refused cleanly), and a stage after it
 * blanks the matched rectangles while native Pixel Data streams.
 */
import type { DicomEvent } from "../dicom/events.ts";
import type { DicomEventStage } from "../dicom/streams.ts";
import { PIXEL_DATA } from "../dicom/tag.ts";
import { decidePixels, type PixelPolicy, type PixelVerdict } from "./burned_in.ts";
import { DeidSkipError } from "./errors.ts";
import type { IdentityClaim } from "./identity.ts";
import { PixelBlanker } from "./pixel_blank.ts";
import { PixelFactsProbe } from "./pixel_facts.ts";
import { CID_7050 } from "./profile.ts";

/** What the file report says about the pixels (absent: nothing to say). */
export type PixelOutcome = "cleaned" | "flagged" | "burned-in-allowed";

/** Clean Pixel Data Option (PS3.16 CID 7050). */
const CLEAN_PIXEL_CODE = {
  value: "113101",
  scheme: "DCM",
  meaning: CID_7050["113101"],
} as const;

/** One file's guard: its probe, its decision and its cleaning stage. */
export class PixelGuard {
  readonly probe = new PixelFactsProbe();
  readonly stage: PixelCleanStage;
  readonly #policy: PixelPolicy;
  #verdict: PixelVerdict | undefined;
  /** The header ended before any Pixel Data: no rule could be matched against it. */
  #decidedBlind = false;

  constructor(policy: PixelPolicy) {
    this.#policy = policy;
    this.stage = new PixelCleanStage(() => this.#blanker());
  }

  /**
   * Decides once the header is known: throws DeidSkipError for a file held back, else returns
   * the identity claim the output may make and adds a note for the user.
   */
  check(claim: IdentityClaim, note: (text: string) => void): IdentityClaim {
    const verdict = this.#verdict = decidePixels(this.probe.facts, this.#policy);
    this.#decidedBlind = this.probe.facts.pixelData === undefined;
    switch (verdict.action) {
      case "hold":
        throw new DeidSkipError(verdict.reason, verdict.message);
      case "flag":
        note(
          `(7FE0,0010): may carry burned-in text (${verdict.reason}) and (0028,0301) is not NO: ` +
            "check it, or add a Clean Pixel Data rule",
        );
        return claim;
      case "allow":
        note(
          "(0028,0301) is YES: burned-in annotation kept as allowed, identity not claimed removed",
        );
        return {
          removed: false,
          method: [...claim.method, "burned-in annotation kept"],
          codes: claim.codes.filter((c) => c.value !== "113100"),
        };
      case "clean":
        note(`(7FE0,0010): rectangles of Clean Pixel Data rule ${verdict.rule + 1} blanked`);
        return {
          ...claim,
          method: [...claim.method, `Clean Pixel Data rule ${verdict.rule + 1}`],
          codes: [...claim.codes, CLEAN_PIXEL_CODE].sort((a, b) => a.value.localeCompare(b.value)),
        };
      default:
        return claim;
    }
  }

  /** The report's word on the pixels, after the file has run. */
  outcome(): PixelOutcome | undefined {
    switch (this.#verdict?.action) {
      case "clean":
        return "cleaned";
      case "flag":
        return "flagged";
      case "allow":
        return "burned-in-allowed";
    }
  }

  #blanker(): PixelBlanker | undefined {
    const verdict = this.#verdict;
    if (verdict?.action !== "clean" && this.#decidedBlind) {
      // A damaged header (a tag out of order ended it early): rules were matched without
      // Pixel Data. Writing these pixels unchecked could leak burned-in text.
      throw new DeidSkipError(
        "pixel-layout",
        "Held back: Pixel Data (7FE0,0010) follows the end of the header (tags out of order): " +
          "Clean Pixel Data rules could not be matched",
      );
    }
    if (verdict?.action !== "clean") return undefined;
    const rule = this.#policy.rules![verdict.rule];
    return new PixelBlanker(verdict.layout, this.probe.facts.columns!, rule.rectangles);
  }
}

/** Blanks top-level native Pixel Data value events as they pass; everything else passes. */
export class PixelCleanStage implements DicomEventStage {
  readonly #makeBlanker: () => PixelBlanker | undefined;
  #depth = 0;
  #blanker: PixelBlanker | undefined;
  #offset = 0;

  constructor(makeBlanker: () => PixelBlanker | undefined) {
    this.#makeBlanker = makeBlanker;
  }

  push(events: DicomEvent[]): DicomEvent[] {
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      switch (ev.kind) {
        case "element":
          this.#blanker = this.#depth === 0 && ev.tag === PIXEL_DATA
            ? this.#makeBlanker()
            : undefined;
          this.#offset = 0;
          break;
        case "value":
          if (!this.#blanker) break;
          events[i] = { ...ev, bytes: this.#blanker.blank(ev.bytes, this.#offset) };
          this.#offset += ev.bytes.length;
          if (ev.last) this.#blanker = undefined;
          break;
        case "pixelSequenceStart":
          if (this.#depth === 0 && ev.tag === PIXEL_DATA) this.#makeBlanker(); // may refuse
          this.#depth++;
          break;
        case "sequenceStart":
          this.#depth++;
          break;
        case "sequenceEnd":
          this.#depth--;
          break;
      }
    }
    return events;
  }

  finish(): DicomEvent[] {
    return [];
  }
}
