/**
 * The replacement values of the DeidentifyStage: what is written for an element whose action
 * needed its whole original value (dummy, clean, keyed UID, regexp, fixed value, date shift, a
 * custom rule's answer), and the memory of which texts the file lost. Kept apart from the
 * stage, which only routes events, so each effect's output can be read in one place.
 */
import type { ElementEvent } from "../dicom/events.ts";
import { keywordOf } from "../dicom/dictionary.ts";
import { padUid } from "../dicom/file_meta.ts";
import { latin1String } from "../dicom/latin1.ts";
import { formatTag } from "../dicom/tag.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";
import { isTextVr, type Vr } from "../dicom/vr.ts";
import { ACTION_NAMES, type ActionName, type Effect, effectOf } from "./actions.ts";
import { dayShift, shiftDate, shiftDateTime } from "./dates.ts";
import { dummyValue, padToEven } from "./dummy.ts";
import { DeidPolicyError } from "./errors.ts";
import type { LevelStack } from "./levels.ts";
import type { Decision } from "./policy.ts";
import type { RemovedValues } from "./removed_values.ts";
import type { ReportBuilder } from "./report.ts";
import { applyRegexp } from "./rules.ts";
import { decodeValue, encodeValue } from "./stage_text.ts";
import type { UidMapper } from "./uid.ts";

/** What a {@link ValueRewriter} shares with its stage for one file. */
export interface ValueRewriterOptions {
  /** Keys the per-patient date shift. */
  readonly key: Uint8Array;
  readonly uids: UidMapper;
  readonly report: ReportBuilder;
  /** Where removed texts are remembered (for file-name checks). */
  readonly removed: RemovedValues;
  /** The stage's position: character sets, depth and path of the current element. */
  readonly levels: LevelStack;
  /** Writes element `ev` with VR `vr` and value `bytes` to the stage's output. */
  readonly write: (ev: ElementEvent, vr: Vr, bytes: Uint8Array) => void;
}

/** Writes the replacement for an element's whole original value, per effect. */
export class ValueRewriter {
  /** Byte order of the dataset (binary dummy values), set when File Meta ends. */
  littleEndian = true;
  /** Patient ID (0010,0020) of the held header: keys the date shift. */
  patientId = "";
  /** The keyed date shift, computed on the first date shifted (most profiles shift none). */
  #shiftDays: number | undefined;
  readonly #o: ValueRewriterOptions;
  readonly #note: (text: string) => void;

  constructor(options: ValueRewriterOptions) {
    this.#o = options;
    this.#note = (text) => options.report.note(text);
  }

  /** Remembers text value `v` as lost by this file (see RemovedValues). */
  remember(v: Uint8Array, vr: Vr): void {
    this.#o.removed.remember(v, vr, this.#o.levels.current.charsets);
  }

  /**
   * Writes what `effect` makes of `v`; `track`: remember `v` as removed when it is replaced
   * (top-level short text).
   */
  produce(
    effect: Effect | "shift",
    ev: ElementEvent,
    vr: Vr,
    v: Uint8Array,
    decision: Decision,
    track: boolean,
  ): void {
    const { write } = this.#o;
    if (track && effect !== "uid" && effect !== "shift") this.remember(v, vr);
    switch (effect) {
      case "dummy":
      case "clean": {
        const cleanable = effect === "dummy" || isTextVr(vr);
        const bytes = cleanable && vr !== "UI"
          ? dummyValue(vr, this.littleEndian)
          : new Uint8Array(0);
        return write(ev, vr, bytes);
      }
      case "uid": {
        const mapped = this.#o.uids.map(latin1String(v));
        if (this.#o.levels.index === 0 && ev.tag === 0x00080018) {
          this.#o.report.sopInstanceUid = mapped;
        }
        return write(ev, "UI", padUid(mapped));
      }
      case "regexp":
      case "value": {
        const action = decision.action;
        const text = action.name === "regexp"
          ? applyRegexp(this.#decode(v, vr), action.find, action.replace)
          : action.name === "replace_with_value"
          ? action.value
          : "";
        return write(ev, vr, padToEven(this.#encode(text, ev), vr));
      }
      case "shift": {
        const text = trimPadding(latin1String(v));
        const days = this.#shiftDays ??= dayShift(this.#o.key, this.patientId);
        const shifted = vr === "DA" ? shiftDate(text, days) : shiftDateTime(text, days);
        if (shifted === undefined) {
          this.#o.report.note(`${formatTag(ev.tag)}: unreadable date emptied`);
        }
        return write(ev, vr, padToEven(new TextEncoder().encode(shifted ?? ""), vr));
      }
      default:
        return write(ev, ev.vr, v);
    }
  }

  /**
   * Runs a custom rule (a library user's callback) on `v` and writes its answer: the value
   * kept, a new text, or the effect of the action name it returned.
   */
  custom(ev: ElementEvent, vr: Vr, v: Uint8Array, decision: Decision, track: boolean): void {
    const { write } = this.#o;
    const fn = decision.action.name === "custom" ? decision.action.fn : undefined;
    const result = fn?.({
      tag: ev.tag,
      keyword: keywordOf(ev.tag),
      vr,
      value: this.#decode(v, vr),
      path: this.#o.levels.path(),
    });
    if (result === undefined || result === "keep") return write(ev, ev.vr, v);
    if (!(ACTION_NAMES as readonly string[]).includes(result)) {
      if (track) this.remember(v, vr);
      return write(ev, vr, padToEven(this.#encode(result, ev), vr));
    }
    const then = effectOf(result as ActionName, vr === "UI", false);
    if (then === "regexp" || then === "value") {
      throw new DeidPolicyError(
        `A custom rule for ${formatTag(ev.tag)} returned "${result}", which needs arguments`,
      );
    }
    if (then === "delete") return track ? this.remember(v, vr) : undefined;
    if (then === "empty") return write(ev, vr, new Uint8Array(0));
    this.produce(then, ev, vr, v, decision, track);
  }

  #decode(v: Uint8Array, vr: Vr): string {
    return decodeValue(v, this.#o.levels.current.charsets, vr);
  }

  #encode(text: string, ev: ElementEvent): Uint8Array {
    return encodeValue(text, this.#o.levels.current.charsets, ev.tag, this.#note);
  }
}
