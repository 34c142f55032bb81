/**
 * The DeidentifyStage's first phase: input events are held (HeaderHoldback) until the header
 * is complete, shown to the caller's observer as they come, and then what depends on the
 * whole header is settled before any output: a DICOMDIR is refused, and the identity claim is
 * narrowed to the clean options that apply and passed to the caller's header check.
 */
import type { DicomEvent } from "../dicom/events.ts";
import { DICOMDIR_SOP_CLASS } from "../dicom/file_meta.ts";
import type { Tag } from "../dicom/tag.ts";
import { DeidSkipError } from "./errors.ts";
import { type HeaderFacts, HeaderHoldback } from "./header_holdback.ts";
import type { IdentityClaim } from "./identity.ts";

/** The header-phase options of a DeidentifyStage (part of DeidentifyStageOptions). */
export interface HeaderGateOptions {
  /** Clean-option codes are claimed only for options whose rows occur in the file. */
  readonly cleanCodes?: ReadonlyMap<string, (tags: Set<Tag>) => boolean>;
  /**
   * Called once the held header is complete, before any output (core/deid/pixel_clean.ts):
   * may throw (a file held back, e.g. burned-in annotation) or return the claim to make.
   */
  readonly headerCheck?: (claim: IdentityClaim, note: (text: string) => void) => IdentityClaim;
  /**
   * Sees each input event the header holds, in order, up to and including the one that ends
   * it (then `end()` if the input ended first): what `headerCheck` decides on. Fed from here,
   * not from a stage of its own ahead of this one, so it has seen exactly the held header
   * however the input is chunked (a stage ahead sees a whole push first: fuzzing found a
   * dataset out of tag order cleaned when pushed whole and not when pushed in pieces).
   */
  readonly headerObserver?: { observe(ev: DicomEvent): void; end(): void };
}

/** Holds the header's events and settles, once it is complete, what depends on all of it. */
export class HeaderGate {
  readonly #holdback = new HeaderHoldback();
  readonly #options: HeaderGateOptions;

  constructor(options: HeaderGateOptions) {
    this.#options = options;
  }

  /** True while events are still being held. */
  get holding(): boolean {
    return this.#holdback.holding;
  }

  /** Facts of the held header (Patient ID for the date shift, tags seen, SOP Class). */
  get facts(): HeaderFacts {
    return this.#holdback.facts;
  }

  /** Holds an event; returns all held events (this one last) once the header is complete. */
  add(ev: DicomEvent): DicomEvent[] | undefined {
    this.#options.headerObserver?.observe(ev);
    return this.#holdback.add(ev);
  }

  /** The input ended while holding: ends holding and returns what was held. */
  release(): DicomEvent[] {
    this.#options.headerObserver?.end();
    return this.#holdback.release();
  }

  /** Copies held bytes that would not outlive the input chunk (see HeaderHoldback.own). */
  own(): void {
    this.#holdback.own();
  }

  /**
   * The claim the output makes, given the complete header: throws DeidSkipError for a
   * DICOMDIR; `note` receives the header check's notes for the report.
   */
  settle(claim: IdentityClaim, note: (text: string) => void): IdentityClaim {
    const facts = this.#holdback.facts;
    if (facts.sopClass === DICOMDIR_SOP_CLASS) {
      throw new DeidSkipError(
        "dicomdir",
        "DICOMDIR not anonymized (not specified by the standard): regenerate it from the outputs",
      );
    }
    const { cleanCodes, headerCheck } = this.#options;
    if (cleanCodes) {
      const codes = claim.codes.filter((c) => cleanCodes.get(c.value)?.(facts.tags) ?? true);
      claim = { ...claim, codes };
    }
    return headerCheck ? headerCheck(claim, note) : claim;
  }
}
