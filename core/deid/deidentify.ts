import { decodeText, encodeText, parseSpecificCharacterSet } from "../dicom/charset.ts";
import { latin1String } from "../dicom/latin1.ts";
import { keywordOf, vrOf } from "../dicom/dictionary.ts";
import type { DicomEvent, ElementEvent } from "../dicom/events.ts";
import { concat, DICOMDIR_SOP_CLASS, padUid } from "../dicom/file_meta.ts";
import type { DicomEventStage } from "../dicom/streams.ts";
import { formatTag, groupOf, isPrivateCreator, isPrivateTag, type Tag } from "../dicom/tag.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";
import { isTextVr, type Vr } from "../dicom/vr.ts";
import { ACTION_NAMES, type ActionName, type Effect, effectOf } from "./actions.ts";
import type { AuditTrail } from "./audit.ts";
import { dayShift, shiftDate, shiftDateTime } from "./dates.ts";
import { dummyValue, padToEven } from "./dummy.ts";
import { DeidPolicyError, DeidSkipError, DeidValueError } from "./errors.ts";
import { HeaderHoldback } from "./header_holdback.ts";
import {
  DEIDENTIFICATION_METHOD,
  DEIDENTIFICATION_METHOD_CODES,
  type IdentityClaim,
  identityEvents,
  LONGITUDINAL_TEMPORAL_MODIFIED,
  longitudinalEvents,
  PATIENT_IDENTITY_REMOVED,
} from "./identity.ts";
import type { Decision, DeidPolicy } from "./policy.ts";
import { RemovedValues } from "./removed_values.ts";
import { ReportBuilder } from "./report.ts";
import { applyRegexp } from "./rules.ts";
import { UidMapper } from "./uid.ts";
import type { PseudonymLookup } from "../pseudonyms/attributes.ts";
import { PSEUDONYM_SOURCE, withPseudonym } from "../pseudonyms/decision.ts";

/** Largest value gathered whole to map, clean or rewrite it. */
const MAX_GATHER = 1024 * 1024;
/** File Meta elements that name the sending system: removed (the encoder writes ours). */
const META_REMOVED = new Set([
  0x00020012,
  0x00020013,
  0x00020016,
  0x00020017,
  0x00020018,
  0x00020100,
  0x00020102,
]);
/** Groups that are neither standard nor private (PS3.5 §7.1): always removed. */
const ILLEGAL_GROUPS = new Set([0x0001, 0x0003, 0x0005, 0x0007, 0xffff]);
/** Elements this engine writes itself. */
const OWN_ELEMENTS = new Set([
  PATIENT_IDENTITY_REMOVED,
  DEIDENTIFICATION_METHOD,
  DEIDENTIFICATION_METHOD_CODES,
]);

/** Output held for a private group until it is known which creators are still needed. */
interface PrivateGroup {
  readonly group: number;
  readonly creators: Map<number, DicomEvent[]>;
  readonly kept: Set<number>;
  readonly events: DicomEvent[];
  /** Events before this index own their bytes. */
  owned: number;
}

/** A level of the output tree: the dataset, an item, a sequence or encapsulated pixels. */
interface Level {
  readonly kind: "dataset" | "item" | "sequence" | "pixels";
  charsets: string[];
  /** Private creators seen at this level: (group << 8 | block) → creator text. */
  readonly creators: Map<number, string>;
  pending?: PrivateGroup;
  /** Sequences only: their tag and how many items have started (for paths). */
  readonly tag?: Tag;
  items: number;
}

/** The element whose value events are arriving. */
interface Current {
  readonly ev: ElementEvent;
  readonly level: number;
  readonly mode: "pass" | "drop" | "gather";
  readonly parts: Uint8Array[];
  size: number;
  /** Parts before this index own their bytes. */
  owned: number;
  readonly done?: (value: Uint8Array) => void;
}

/** Construction options of {@link DeidentifyStage}. */
export interface DeidentifyStageOptions {
  readonly policy: DeidPolicy;
  readonly key: Uint8Array;
  /** Shared by the files of a run (a memo of keyed UIDs); one of its own when absent. */
  readonly uids?: UidMapper;
  readonly claim: IdentityClaim;
  /** Clean-option codes are claimed only for options whose rows occur in the file. */
  readonly cleanCodes?: ReadonlyMap<string, (tags: Set<Tag>) => boolean>;
  /** Present when the caller asked for an audit trail (compliance manifest). */
  readonly audit?: AuditTrail;
  /** Pseudonyms for the four identifiers at the top level (core/pseudonyms/decision.ts). */
  readonly pseudonyms?: PseudonymLookup;
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

/**
 * The de-identification engine as a synchronous event stage (PS3.15 Annex E): applies the
 * policy's action to every element at every depth, maps UIDs with a keyed function, shifts or
 * removes dates, removes private groups, rewrites File Meta and adds (0012,0062-0064).
 * Only short values that an action needs are gathered; everything else streams.
 */
export class DeidentifyStage implements DicomEventStage {
  readonly report = new ReportBuilder();
  readonly #policy: DeidPolicy;
  readonly #key: Uint8Array;
  readonly #uids: UidMapper;
  readonly #holdback = new HeaderHoldback();
  #claim: IdentityClaim;
  #out: DicomEvent[] = [];
  #levels: Level[] = [{ kind: "dataset", charsets: [], creators: new Map(), items: 0 }];
  #cur: Current | undefined;
  #skip = 0;
  #inMeta = true;
  #littleEndian = true;
  #identityDone = false;
  #longitudinalDone = false;
  /** The keyed date shift, computed on the first date shifted (most profiles shift none). */
  #shiftDays: number | undefined;
  #patientId = "";
  readonly #removed = new RemovedValues();
  readonly #cleanCodes?: DeidentifyStageOptions["cleanCodes"];
  readonly #headerCheck?: DeidentifyStageOptions["headerCheck"];
  readonly #headerObserver?: DeidentifyStageOptions["headerObserver"];
  readonly #audit?: AuditTrail;
  readonly #pseudonyms?: PseudonymLookup;

  constructor(options: DeidentifyStageOptions) {
    this.#policy = options.policy;
    this.#key = options.key;
    this.#uids = options.uids ?? new UidMapper(options.key);
    this.#claim = options.claim;
    this.#cleanCodes = options.cleanCodes;
    this.#headerCheck = options.headerCheck;
    this.#headerObserver = options.headerObserver;
    this.#audit = options.audit;
    this.#pseudonyms = options.pseudonyms;
  }

  /** True when `text` equals a value this file had and its output no longer has. */
  wasRemoved(text: string): boolean {
    return this.#removed.has(text);
  }

  push(events: DicomEvent[]): DicomEvent[] {
    for (const ev of events) {
      if (this.#holdback.holding) {
        this.#headerObserver?.observe(ev);
        const held = this.#holdback.add(ev);
        if (held) this.#startOutput(held);
        continue;
      }
      this.#event(ev);
    }
    this.#ownPending();
    return this.#take();
  }

  /**
   * The current value goes out as it came and nothing is held (no header, no private group
   * awaiting its creators): its bytes may bypass the pipeline.
   */
  passesValueUnseen(): boolean {
    if (this.#holdback.holding || this.#skip > 0 || this.#cur?.mode !== "pass") return false;
    return this.#levels.every((level) => !level.pending);
  }

  /** Copies bytes still referenced across pushes (the codec's buffer contract). */
  #ownPending(): void {
    this.#holdback.own();
    const cur = this.#cur;
    if (cur?.mode === "gather") {
      for (let i = cur.owned; i < cur.parts.length; i++) cur.parts[i] = cur.parts[i].slice();
      cur.owned = cur.parts.length;
    }
    for (const level of this.#levels) {
      const pending = level.pending;
      if (!pending) continue;
      for (let i = pending.owned; i < pending.events.length; i++) {
        const ev = pending.events[i];
        if (ev.kind === "value") pending.events[i] = { ...ev, bytes: ev.bytes.slice() };
      }
      pending.owned = pending.events.length;
    }
  }

  finish(): DicomEvent[] {
    if (this.#holdback.holding) {
      this.#headerObserver?.end();
      this.#startOutput(this.#holdback.release());
    }
    if (!this.#inMeta) {
      this.#flushPrivate(0);
      this.#insertOwn(0xffffffff);
    }
    return this.#take();
  }

  #take(): DicomEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  /** The header is complete: settle what depended on it, then process the held events. */
  #startOutput(held: DicomEvent[]): void {
    const facts = this.#holdback.facts;
    if (facts.sopClass === DICOMDIR_SOP_CLASS) {
      throw new DeidSkipError(
        "dicomdir",
        "DICOMDIR not anonymized (not specified by the standard): regenerate it from the outputs",
      );
    }
    if (this.#cleanCodes) {
      const codes = this.#claim.codes.filter((c) =>
        this.#cleanCodes!.get(c.value)?.(facts.tags) ?? true
      );
      this.#claim = { ...this.#claim, codes };
    }
    if (this.#headerCheck) this.#claim = this.#headerCheck(this.#claim, (t) => this.report.note(t));
    this.#patientId = facts.patientId;
    for (const ev of held) this.#event(ev);
  }

  #event(ev: DicomEvent): void {
    if (this.#skip > 0) return this.#skipEvent(ev);
    switch (ev.kind) {
      case "preamble":
        // The preamble is free for application use and may carry anything: zero it.
        return this.#emit({ kind: "preamble", bytes: new Uint8Array(128) });
      case "metaEnd":
        this.#inMeta = false;
        this.#littleEndian = ev.encoding.littleEndian;
        this.report.transferSyntax = ev.encoding.transferSyntax;
        return this.#emit(ev);
      case "element":
        return this.#element(ev);
      case "value":
        return this.#value(ev);
      case "sequenceStart":
        return this.#sequenceStart(ev);
      case "itemStart":
        this.#emit(ev);
        this.#level().items++;
        this.#levels.push({
          kind: "item",
          charsets: this.#level().charsets,
          creators: new Map(),
          items: 0,
        });
        return;
      case "itemEnd":
        this.#flushPrivate(this.#levels.length - 1);
        this.#levels.pop();
        return this.#emit(ev);
      case "pixelSequenceStart":
        this.#beforeElement(ev.tag);
        this.#emit(ev);
        this.#levels.push({ kind: "pixels", charsets: [], creators: new Map(), items: 0 });
        return;
      case "fragment":
        this.#cur = {
          ev: { kind: "element", tag: 0x7fe00010, vr: "OB", length: ev.length, offset: ev.offset },
          level: this.#levels.length - 1,
          mode: "pass",
          parts: [],
          size: 0,
          owned: 0,
        };
        return this.#emit(ev);
      case "sequenceEnd":
        this.#levels.pop();
        return this.#emit(ev);
    }
  }

  /** Skips a removed subtree, counting nested starts and ends. */
  #skipEvent(ev: DicomEvent): void {
    if (
      ev.kind === "sequenceStart" || ev.kind === "itemStart" || ev.kind === "pixelSequenceStart"
    ) this.#skip++;
    else if (ev.kind === "sequenceEnd" || ev.kind === "itemEnd") this.#skip--;
  }

  #level(): Level {
    return this.#levels[this.#levels.length - 1];
  }

  /** Work due before an element at the current level: close a private group, add our elements. */
  #beforeElement(tag: Tag): void {
    const index = this.#levels.length - 1;
    const pending = this.#levels[index].pending;
    if (pending && pending.group !== groupOf(tag)) this.#flushPrivate(index);
    if (index === 0 && !this.#inMeta) this.#insertOwn(tag);
  }

  /** Adds (0012,0062-0064) and (0028,0303) at their place in tag order. */
  #insertOwn(nextTag: Tag): void {
    if (!this.#identityDone && nextTag > DEIDENTIFICATION_METHOD_CODES) {
      this.#identityDone = true;
      const own = identityEvents(this.#claim);
      this.#audit?.inserted(own);
      for (const e of own) this.#emit(e);
    }
    const longitudinal = this.#longitudinal();
    if (
      !this.#longitudinalDone && longitudinal !== undefined &&
      nextTag > LONGITUDINAL_TEMPORAL_MODIFIED
    ) {
      this.#longitudinalDone = true;
      const own = longitudinalEvents(longitudinal);
      this.#audit?.inserted(own);
      for (const e of own) this.#emit(e);
    }
  }

  #longitudinal(): boolean | undefined {
    const options = this.#policy.profile.options;
    if (options.includes("retain-long-modified-dates")) return true;
    if (options.includes("retain-long-full-dates")) return false;
    return undefined;
  }

  #element(ev: ElementEvent): void {
    if (this.#inMeta) return this.#metaElement(ev);
    this.#beforeElement(ev.tag);
    const decision = withPseudonym(this.#decide(ev.tag), ev, this.#levels.length, this.#pseudonyms);
    const effVr = ev.vr === "UN" ? vrOf(ev.tag) : ev.vr;
    let effect = this.#effect(decision, effVr, false);
    if (
      effVr === "SQ" && effect !== "delete" && effect !== "empty" &&
      !(decision.source === "user" && effect === "keep")
    ) {
      // A sequence hidden in a UN value cannot be inspected: remove it rather than pass it.
      effect = "delete";
      this.report.note(`${formatTag(ev.tag)}: UN-encoded sequence removed (cannot be inspected)`);
    }
    const recorded = decision.source === PSEUDONYM_SOURCE ? PSEUDONYM_SOURCE : effect;
    if (decision.source !== "default") this.report.record(ev.tag, recorded);
    this.#audit?.decision(ev.tag, effect, decision, () => this.#path());
    this.#apply(ev, effVr, effect, decision);
  }

  #decide(tag: Tag): Decision {
    const group = groupOf(tag);
    // Group 0002 belongs to File Meta only. In the dataset (a damaged header ends File Meta
    // early) it carried the sender's names and UIDs past META_REMOVED, and a reader takes it
    // for File Meta again (fuzzing): remove it like the illegal groups.
    if (ILLEGAL_GROUPS.has(group) || group === 0x0002) {
      return { action: { name: "delete" }, source: "illegal-group" };
    }
    if (
      OWN_ELEMENTS.has(tag) ||
      (tag === LONGITUDINAL_TEMPORAL_MODIFIED && this.#longitudinal() !== undefined)
    ) {
      return { action: { name: "delete" }, source: "replaced-by-engine" };
    }
    if (isPrivateTag(tag)) {
      const element = tag & 0xffff;
      const creator = element >= 0x1000
        ? this.#level().creators.get(group * 256 + (element >> 8))
        : undefined;
      return this.#policy.private(tag, creator);
    }
    return this.#policy.standard(tag);
  }

  #effect(decision: Decision, vr: Vr, isSequence: boolean): Effect | "shift" {
    if (decision.row?.column === "retain-long-modified-dates" && decision.row.code === "C") {
      return vr === "DA" || vr === "DT" ? "shift" : "keep";
    }
    return effectOf(decision.action.name, vr === "UI", isSequence);
  }

  #apply(ev: ElementEvent, vr: Vr, effect: Effect | "shift", decision: Decision): void {
    const level = this.#levels.length - 1;
    const privateSelective = isPrivateTag(ev.tag) && this.#policy.selectivePrivate;
    if (privateSelective) this.#openPrivateGroup(ev.tag);
    if (privateSelective && isPrivateCreator(ev.tag)) return this.#gatherCreator(ev);
    if (effect !== "delete" && privateSelective) {
      this.#level().pending!.kept.add((ev.tag & 0xffff) >> 8);
    }
    const track = level === 0 && isTextVr(vr) && ev.length <= 256 && effect !== "keep";
    const gather = (done: (value: Uint8Array) => void) => this.#start(ev, "gather", done);
    switch (effect) {
      case "keep":
        if (ev.tag === 0x00080005) {
          return gather((v) => {
            this.#level().charsets = parseSpecificCharacterSet(latin1(v));
            this.#emitValue(ev, ev.vr, v);
          });
        }
        this.#emit(ev);
        return this.#start(ev, "pass");
      case "delete":
        return track ? gather((v) => this.#remember(v, vr)) : this.#start(ev, "drop");
      case "empty":
        if (track) {
          return gather((v) => (this.#remember(v, vr), this.#emitValue(ev, vr, new Uint8Array(0))));
        }
        this.#emitValue(ev, vr, new Uint8Array(0));
        return this.#start(ev, "drop");
      case "custom":
        return gather((v) => {
          const fn = decision.action.name === "custom" ? decision.action.fn : undefined;
          const result = fn?.({
            tag: ev.tag,
            keyword: keywordOf(ev.tag),
            vr,
            value: this.#decode(v, vr),
            path: this.#path(),
          });
          if (result === undefined || result === "keep") return this.#emitValue(ev, ev.vr, v);
          if (!(ACTION_NAMES as readonly string[]).includes(result)) {
            if (track) this.#remember(v, vr);
            return this.#emitValue(ev, vr, padToEven(this.#encode(result, ev.tag), vr));
          }
          const then = effectOf(result as ActionName, vr === "UI", false);
          if (then === "regexp" || then === "value") {
            throw new DeidPolicyError(
              `A custom rule for ${formatTag(ev.tag)} returned "${result}", which needs arguments`,
            );
          }
          if (then === "delete") return track ? this.#remember(v, vr) : undefined;
          if (then === "empty") return this.#emitValue(ev, vr, new Uint8Array(0));
          this.#produce(then, ev, vr, v, decision, track);
        });
      default:
        return gather((v) => this.#produce(effect, ev, vr, v, decision, track));
    }
  }

  /** Writes the replacement for an effect that needed the whole original value `v`. */
  #produce(
    effect: Effect | "shift",
    ev: ElementEvent,
    vr: Vr,
    v: Uint8Array,
    decision: Decision,
    track: boolean,
  ): void {
    if (track && effect !== "uid" && effect !== "shift") this.#remember(v, vr);
    switch (effect) {
      case "dummy":
      case "clean": {
        const cleanable = effect === "dummy" || isTextVr(vr);
        const bytes = cleanable && vr !== "UI"
          ? dummyValue(vr, this.#littleEndian)
          : new Uint8Array(0);
        return this.#emitValue(ev, vr, bytes);
      }
      case "uid": {
        const mapped = this.#uids.map(latin1(v));
        if (this.#levels.length === 1 && ev.tag === 0x00080018) this.report.sopInstanceUid = mapped;
        return this.#emitValue(ev, "UI", padUid(mapped));
      }
      case "regexp":
      case "value": {
        const action = decision.action;
        const text = action.name === "regexp"
          ? applyRegexp(this.#decode(v, vr), action.find, action.replace)
          : action.name === "replace_with_value"
          ? action.value
          : "";
        return this.#emitValue(ev, vr, padToEven(this.#encode(text, ev.tag), vr));
      }
      case "shift": {
        const text = trimPadding(latin1(v));
        const days = this.#shiftDays ??= dayShift(this.#key, this.#patientId);
        const shifted = vr === "DA" ? shiftDate(text, days) : shiftDateTime(text, days);
        if (shifted === undefined) {
          this.report.note(`${formatTag(ev.tag)}: unreadable date emptied`);
        }
        return this.#emitValue(ev, vr, padToEven(new TextEncoder().encode(shifted ?? ""), vr));
      }
      default:
        return this.#emitValue(ev, ev.vr, v);
    }
  }

  /** Where the current element sits: "(0008,1140)[0].(0008,1155)"-style, "" at the top. */
  #path(): string {
    return this.#levels.flatMap((
      l,
    ) => (l.kind === "sequence" ? [`${formatTag(l.tag!)}[${l.items - 1}]`] : [])).join(".");
  }

  #metaElement(ev: ElementEvent): void {
    if (META_REMOVED.has(ev.tag)) {
      this.#audit?.engine(ev.tag, "delete");
      return this.#start(ev, "drop");
    }
    if (ev.tag === 0x00020003) {
      // (0002,0003) must equal the (0008,0018) written later (PS3.10 §7.1): kept when the
      // policy keeps SOP Instance UID (minimal, retain-uids, a user keep rule), else mapped.
      const instance = this.#policy.standard(0x00080018);
      if (this.#effect(instance, "UI", false) === "keep") {
        this.#audit?.engine(ev.tag, "keep");
        this.#emit(ev);
        return this.#start(ev, "pass");
      }
      this.#audit?.engine(ev.tag, "uid");
      return this.#start(
        ev,
        "gather",
        (v) => this.#emitValue(ev, "UI", padUid(this.#uids.map(latin1(v)))),
      );
    }
    this.#emit(ev);
    this.#start(ev, "pass");
  }

  #sequenceStart(ev: DicomEvent & { kind: "sequenceStart" }): void {
    this.#beforeElement(ev.tag);
    const decision = this.#decide(ev.tag);
    const effect = this.#effect(decision, "SQ", true);
    if (decision.source !== "default") this.report.record(ev.tag, effect);
    this.#audit?.decision(ev.tag, effect, decision, () => this.#path());
    if (isPrivateTag(ev.tag) && this.#policy.selectivePrivate && effect !== "delete") {
      this.#openPrivateGroup(ev.tag);
      this.#level().pending!.kept.add((ev.tag & 0xffff) >> 8);
    }
    if (effect === "delete") {
      this.#skip = 1;
      return;
    }
    this.#emit(ev);
    if (effect === "empty") {
      // Z on a sequence: keep the attribute with no items, i.e. skip through its end.
      this.#emit({ kind: "sequenceEnd" });
      this.#skip = 1;
      return;
    }
    this.#levels.push({
      kind: "sequence",
      charsets: this.#level().charsets,
      creators: new Map(),
      tag: ev.tag,
      items: 0,
    });
  }

  #start(ev: ElementEvent, mode: Current["mode"], done?: (value: Uint8Array) => void): void {
    if (ev.length === 0) {
      done?.(new Uint8Array(0));
      return;
    }
    if (mode === "gather" && ev.length > MAX_GATHER) {
      throw new DeidValueError(
        `Value too long to de-identify (${ev.length} bytes) at offset 0x${
          ev.offset.toString(16).toUpperCase()
        } in ${formatTag(ev.tag)}`,
        ev.tag,
        ev.offset,
      );
    }
    this.#cur = { ev, level: this.#levels.length - 1, mode, parts: [], size: 0, owned: 0, done };
  }

  #value(ev: DicomEvent & { kind: "value" }): void {
    const cur = this.#cur;
    if (!cur) throw new TypeError("DeidentifyStage: value without element");
    if (cur.mode === "pass") this.#emit(ev);
    else if (cur.mode === "gather") cur.parts.push(ev.bytes);
    if (ev.last) {
      this.#cur = undefined;
      if (cur.mode === "gather") cur.done!(concat(cur.parts));
    }
  }

  #emitValue(ev: ElementEvent, vr: Vr, bytes: Uint8Array): void {
    this.#emit({ kind: "element", tag: ev.tag, vr, length: bytes.length, offset: ev.offset });
    if (bytes.length > 0) this.#emit({ kind: "value", bytes, last: true });
  }

  // ---- private groups kept selectively: creators are written only for blocks still used ----

  #openPrivateGroup(tag: Tag): void {
    const level = this.#level();
    if (!level.pending) {
      level.pending = {
        group: groupOf(tag),
        creators: new Map(),
        kept: new Set(),
        events: [],
        owned: 0,
      };
    }
  }

  #gatherCreator(ev: ElementEvent): void {
    const group = groupOf(ev.tag);
    const block = ev.tag & 0xff;
    this.#start(ev, "gather", (v) => {
      const level = this.#level();
      level.creators.set(group * 256 + block, trimPadding(latin1(v)).trim());
      const out: DicomEvent[] = [{ ...ev }];
      // A copy: `v` may be a view of the chunk being pushed, and the group can outlive that
      // push (a reused read buffer would otherwise show through, other input values included).
      if (v.length) out.push({ kind: "value", bytes: v.slice(), last: true });
      level.pending!.creators.set(block, out);
    });
  }

  #flushPrivate(index: number): void {
    const pending = this.#levels[index].pending;
    if (!pending) return;
    this.#levels[index].pending = undefined;
    for (const block of [...pending.creators.keys()].sort((a, b) => a - b)) {
      if (pending.kept.has(block)) {
        for (const e of pending.creators.get(block)!) this.#emitAt(index - 1, e);
      }
    }
    for (const e of pending.events) this.#emitAt(index - 1, e);
  }

  #emit(ev: DicomEvent): void {
    this.#emitAt(this.#levels.length - 1, ev);
  }

  /** Sends an event to the nearest private group being held at or below `index`, else out. */
  #emitAt(index: number, ev: DicomEvent): void {
    for (let i = index; i >= 0; i--) {
      const pending = this.#levels[i].pending;
      if (pending) {
        pending.events.push(ev);
        return;
      }
    }
    this.#out.push(ev);
  }

  // ---- text ----

  #decode(v: Uint8Array, vr: Vr): string {
    return trimPadding(decodeText(v, this.#level().charsets, vr));
  }

  #encode(text: string, tag: Tag): Uint8Array {
    const bytes = encodeText(text, this.#level().charsets);
    if (bytes) return bytes;
    this.report.note(
      `${formatTag(tag)}: characters outside the dataset's character set replaced by '?'`,
    );
    return new TextEncoder().encode(text.replace(/[^\x20-\x7e]/g, "?"));
  }

  #remember(v: Uint8Array, vr: Vr): void {
    this.#removed.remember(v, vr, this.#level().charsets);
  }
}

function latin1(v: Uint8Array): string {
  return latin1String(v);
}
