/**
 * The DeidentifyStage: the engine's event loop. It walks the parser's events, asks for each
 * element's decision and routes its value (passed, dropped, gathered and rewritten); the
 * pieces it routes between live beside it: header_gate, levels, element_decision,
 * current_value, value_rewrite, private_groups, own_elements and meta_rewrite.
 */
import { parseSpecificCharacterSet } from "../dicom/charset.ts";
import { latin1String } from "../dicom/latin1.ts";
import { vrOf } from "../dicom/dictionary.ts";
import type { DicomEvent, ElementEvent } from "../dicom/events.ts";
import { padUid } from "../dicom/file_meta.ts";
import type { DicomEventStage } from "../dicom/streams.ts";
import { formatTag, groupOf, isPrivateCreator, isPrivateTag, type Tag } from "../dicom/tag.ts";
import { trimPadding } from "../dicom/transfer_syntax.ts";
import { isTextVr, type Vr } from "../dicom/vr.ts";
import type { Effect } from "./actions.ts";
import type { AuditTrail } from "./audit.ts";
import { CurrentValue } from "./current_value.ts";
import { decideElement, effectFor } from "./element_decision.ts";
import { HeaderGate, type HeaderGateOptions } from "./header_gate.ts";
import type { IdentityClaim } from "./identity.ts";
import { LevelStack } from "./levels.ts";
import { metaFate } from "./meta_rewrite.ts";
import { OwnElements } from "./own_elements.ts";
import type { Decision, DeidPolicy } from "./policy.ts";
import { PrivateGroups } from "./private_groups.ts";
import { RemovedValues } from "./removed_values.ts";
import { ReportBuilder } from "./report.ts";
import { UidMapper } from "./uid.ts";
import { ValueRewriter } from "./value_rewrite.ts";
import type { PseudonymLookup } from "../pseudonyms/attributes.ts";
import { PSEUDONYM_SOURCE, withPseudonym } from "../pseudonyms/decision.ts";

/** Construction options of {@link DeidentifyStage} (with the header phase's, see HeaderGate). */
export interface DeidentifyStageOptions extends HeaderGateOptions {
  readonly policy: DeidPolicy;
  readonly key: Uint8Array;
  /** Shared by the files of a run (a memo of keyed UIDs); one of its own when absent. */
  readonly uids?: UidMapper;
  readonly claim: IdentityClaim;
  /** Present when the caller asked for an audit trail (compliance manifest). */
  readonly audit?: AuditTrail;
  /** Pseudonyms for the four identifiers at the top level (core/pseudonyms/decision.ts). */
  readonly pseudonyms?: PseudonymLookup;
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
  readonly #uids: UidMapper;
  readonly #header: HeaderGate;
  #claim: IdentityClaim;
  readonly #levels = new LevelStack();
  /** Every event written goes through here (held while a private group is undecided). */
  readonly #groups = new PrivateGroups();
  readonly #own: OwnElements;
  readonly #rewriter: ValueRewriter;
  readonly #value = new CurrentValue();
  #skip = 0;
  #inMeta = true;
  readonly #removed = new RemovedValues();
  readonly #audit?: AuditTrail;
  readonly #pseudonyms?: PseudonymLookup;

  constructor(options: DeidentifyStageOptions) {
    this.#policy = options.policy;
    this.#uids = options.uids ?? new UidMapper(options.key);
    this.#claim = options.claim;
    this.#header = new HeaderGate(options);
    this.#audit = options.audit;
    this.#pseudonyms = options.pseudonyms;
    this.#own = new OwnElements(options.policy.profile.options);
    this.#rewriter = new ValueRewriter({
      key: options.key,
      uids: this.#uids,
      report: this.report,
      removed: this.#removed,
      levels: this.#levels,
      write: (ev, vr, bytes) => this.#emitValue(ev, vr, bytes),
    });
  }

  /** True when `text` equals a value this file had and its output no longer has. */
  wasRemoved(text: string): boolean {
    return this.#removed.has(text);
  }

  push(events: DicomEvent[]): DicomEvent[] {
    for (const ev of events) {
      if (this.#header.holding) {
        const held = this.#header.add(ev);
        if (held) this.#startOutput(held);
        continue;
      }
      this.#event(ev);
    }
    this.#ownPending();
    return this.#groups.take();
  }

  /**
   * The current value goes out as it came and nothing is held (no header, no private group
   * awaiting its creators): its bytes may bypass the pipeline.
   */
  passesValueUnseen(): boolean {
    if (this.#header.holding || this.#skip > 0 || this.#value.mode !== "pass") return false;
    return !this.#groups.holding;
  }

  /** Copies bytes still referenced across pushes (the codec's buffer contract). */
  #ownPending(): void {
    this.#header.own();
    this.#value.own();
    this.#groups.own();
  }

  finish(): DicomEvent[] {
    if (this.#header.holding) this.#startOutput(this.#header.release());
    if (!this.#inMeta) {
      this.#groups.flush(0);
      this.#insertOwn(0xffffffff);
    }
    return this.#groups.take();
  }

  /** The header is complete: settle what depended on it, then process the held events. */
  #startOutput(held: DicomEvent[]): void {
    this.#claim = this.#header.settle(this.#claim, (t) => this.report.note(t));
    this.#rewriter.patientId = this.#header.facts.patientId;
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
        this.#rewriter.littleEndian = ev.encoding.littleEndian;
        this.report.transferSyntax = ev.encoding.transferSyntax;
        return this.#emit(ev);
      case "element":
        return this.#element(ev);
      case "value":
        if (this.#value.take(ev)) this.#emit(ev);
        return;
      case "sequenceStart":
        return this.#sequenceStart(ev);
      case "itemStart":
        this.#emit(ev);
        this.#levels.enterItem();
        return;
      case "itemEnd":
        this.#groups.flush(this.#levels.index);
        this.#levels.leave();
        return this.#emit(ev);
      case "pixelSequenceStart":
        this.#beforeElement(ev.tag);
        this.#emit(ev);
        this.#levels.enterPixels();
        return;
      case "fragment":
        this.#value.startFragment();
        return this.#emit(ev);
      case "sequenceEnd":
        this.#levels.leave();
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

  /** Work due before an element at the current level: close a private group, add our elements. */
  #beforeElement(tag: Tag): void {
    const index = this.#levels.index;
    const group = this.#groups.groupAt(index);
    if (group !== undefined && group !== groupOf(tag)) this.#groups.flush(index);
    if (index === 0 && !this.#inMeta) this.#insertOwn(tag);
  }

  /** Adds (0012,0062-0064) and (0028,0303) at their place in tag order. */
  #insertOwn(nextTag: Tag): void {
    for (;;) {
      const own = this.#own.next(nextTag, this.#claim);
      if (!own) return;
      this.#audit?.inserted(own);
      for (const e of own) this.#emit(e);
    }
  }

  #decide(tag: Tag): Decision {
    return decideElement(tag, this.#policy, this.#own.replaces(tag), this.#levels);
  }

  #element(ev: ElementEvent): void {
    if (this.#inMeta) return this.#metaElement(ev);
    this.#beforeElement(ev.tag);
    const decision = withPseudonym(this.#decide(ev.tag), ev, this.#levels.depth, this.#pseudonyms);
    const effVr = ev.vr === "UN" ? vrOf(ev.tag) : ev.vr;
    let effect = effectFor(decision, effVr, false);
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
    this.#audit?.decision(ev.tag, effect, decision, () => this.#levels.path());
    this.#apply(ev, effVr, effect, decision);
  }

  #apply(ev: ElementEvent, vr: Vr, effect: Effect | "shift", decision: Decision): void {
    const index = this.#levels.index;
    const privateSelective = isPrivateTag(ev.tag) && this.#policy.selectivePrivate;
    if (privateSelective) this.#groups.open(index, ev.tag);
    if (privateSelective && isPrivateCreator(ev.tag)) return this.#gatherCreator(ev);
    if (effect !== "delete" && privateSelective) this.#groups.keep(index, ev.tag);
    const track = index === 0 && isTextVr(vr) && ev.length <= 256 && effect !== "keep";
    const gather = (done: (value: Uint8Array) => void) => this.#value.start(ev, "gather", done);
    const rewriter = this.#rewriter;
    switch (effect) {
      case "keep":
        if (ev.tag === 0x00080005) {
          return gather((v) => {
            this.#levels.current.charsets = parseSpecificCharacterSet(latin1String(v));
            this.#emitValue(ev, ev.vr, v);
          });
        }
        this.#emit(ev);
        return this.#value.start(ev, "pass");
      case "delete":
        return track ? gather((v) => rewriter.remember(v, vr)) : this.#value.start(ev, "drop");
      case "empty":
        if (track) {
          return gather((v) => {
            rewriter.remember(v, vr);
            this.#emitValue(ev, vr, new Uint8Array(0));
          });
        }
        this.#emitValue(ev, vr, new Uint8Array(0));
        return this.#value.start(ev, "drop");
      case "custom":
        return gather((v) => rewriter.custom(ev, vr, v, decision, track));
      default:
        return gather((v) => rewriter.produce(effect, ev, vr, v, decision, track));
    }
  }

  #metaElement(ev: ElementEvent): void {
    const fate = metaFate(ev.tag, this.#policy);
    if (fate !== "pass") this.#audit?.engine(ev.tag, fate);
    if (fate === "delete") return this.#value.start(ev, "drop");
    if (fate === "uid") {
      return this.#value.start(
        ev,
        "gather",
        (v) => this.#emitValue(ev, "UI", padUid(this.#uids.map(latin1String(v)))),
      );
    }
    this.#emit(ev);
    this.#value.start(ev, "pass");
  }

  #sequenceStart(ev: DicomEvent & { kind: "sequenceStart" }): void {
    this.#beforeElement(ev.tag);
    const decision = this.#decide(ev.tag);
    const effect = effectFor(decision, "SQ", true);
    if (decision.source !== "default") this.report.record(ev.tag, effect);
    this.#audit?.decision(ev.tag, effect, decision, () => this.#levels.path());
    if (isPrivateTag(ev.tag) && this.#policy.selectivePrivate && effect !== "delete") {
      this.#groups.open(this.#levels.index, ev.tag);
      this.#groups.keep(this.#levels.index, ev.tag);
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
    this.#levels.enterSequence(ev.tag);
  }

  /** A private creator: gathered, and written later only if its block keeps an element. */
  #gatherCreator(ev: ElementEvent): void {
    this.#value.start(ev, "gather", (v) => {
      this.#levels.addCreator(ev.tag, trimPadding(latin1String(v)).trim());
      const out: DicomEvent[] = [{ ...ev }];
      if (v.length) out.push({ kind: "value", bytes: v, last: true });
      this.#groups.setCreator(this.#levels.index, ev.tag, out);
    });
  }

  #emitValue(ev: ElementEvent, vr: Vr, bytes: Uint8Array): void {
    this.#emit({ kind: "element", tag: ev.tag, vr, length: bytes.length, offset: ev.offset });
    if (bytes.length > 0) this.#emit({ kind: "value", bytes, last: true });
  }

  /** Writes an event at the current level (held there while a private group is undecided). */
  #emit(ev: DicomEvent): void {
    this.#groups.emitAt(this.#levels.index, ev);
  }
}
