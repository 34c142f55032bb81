/**
 * Checks one output's parsed events against the profile's demands, at every depth: removed
 * attributes absent, emptied ones empty, replaced UIDs new, private attributes gone, the illegal
 * groups gone, File Meta free of the sender's names, the preamble zeroed and the identity claims
 * true. Only short values it must read (UIDs, creators, claims) are gathered; the rest streams.
 */
import type { DicomEvent, ElementEvent } from "../dicom/events.ts";
import { keywordOf } from "../dicom/dictionary.ts";
import { groupOf, isPrivateCreator, isPrivateTag, type Tag } from "../dicom/tag.ts";
import { CheckLevels, type Level } from "./check_levels.ts";
import { elementDemand, judgedVr, type RowCode, sequenceDemand } from "./expectations.ts";
import { type CheckId, elementFinding, type Finding } from "./findings.ts";
import { type ClaimExpectation, type IdentityFacts, identityFindings } from "./identity_check.ts";
import type { PrivatePolicy } from "./private_check.ts";
import { trimPad } from "./text.ts";
import { type UidCheck, uidFindings } from "./uid_check.ts";
import { ValueReader } from "./value_reader.ts";

/** What the checker needs to know about the run. */
export interface CheckConfig {
  /** The profile row of a standard tag under the selected options. */
  readonly rows: (tag: Tag) => RowCode | undefined;
  readonly privatePolicy: PrivatePolicy;
  readonly claim: ClaimExpectation;
  /**
   * Top-level tags that hold pseudonyms instead of the profile's action (`--pseudonyms`): their
   * rows are not applied there (their values are checked by `--phi-list` like any other).
   */
  readonly pseudonymTags?: ReadonlySet<Tag>;
  /** Present when the input UIDs' hashes are known (manifest and key). */
  readonly uids?: UidCheck;
}

/** Groups neither standard nor private (PS3.5 §7.1): the engine always removes them. */
const ILLEGAL_GROUPS = new Set([0x0001, 0x0003, 0x0005, 0x0007, 0xffff]);
/** File Meta elements naming the sending system (PS3.10 §7.1), which must not be passed on. */
const META_SENDER = new Set([0x00020016, 0x00020017, 0x00020018, 0x00020100, 0x00020102]);
const IDENTITY_REMOVED = 0x00120062;
const METHOD_CODES = 0x00120064;
const LONGITUDINAL = 0x00280303;
const CODE_VALUE = 0x00080100;
const MEDIA_SOP_INSTANCE = 0x00020003;

/** How far a sequence's contents are looked into. */
type SequenceWay = "check" | "no-items" | "skip";

/** The per-file checker: push events, then finish; findings go to `report`. */
export class DatasetChecker {
  readonly #file: string;
  readonly #config: CheckConfig;
  readonly #report: (f: Finding) => void;
  readonly #levels = new CheckLevels();
  readonly #facts: IdentityFacts = { methodCodes: false, codes: [] };
  readonly #values = new ValueReader();
  #inMeta = true;
  /** UI values not checked because no input hashes were given. */
  uidsSkipped = 0;
  /** UI values checked against the input hashes. */
  uidsChecked = 0;

  constructor(file: string, config: CheckConfig, report: (f: Finding) => void) {
    this.#file = file;
    this.#config = config;
    this.#report = report;
  }

  /** Checks a batch of events from the parser. */
  push(events: readonly DicomEvent[]): void {
    for (const ev of events) this.#event(ev);
  }

  /** Ends the file: judges the top level's creators and the identity claims. */
  finish(): void {
    this.#endLevel(this.#levels.top());
    for (const f of identityFindings(this.#file, this.#facts, this.#config.claim)) this.#report(f);
  }

  #event(ev: DicomEvent): void {
    const levels = this.#levels;
    if (levels.skipping) return levels.skipEvent(ev);
    switch (ev.kind) {
      case "preamble":
        if (ev.bytes.some((b) => b !== 0)) {
          this.#report({ file: this.#file, offset: 0, check: "preamble", message: "not zeroed" });
        }
        return;
      case "metaEnd":
        this.#inMeta = false;
        return;
      case "element":
        this.#values.startElement();
        return this.#inMeta ? this.#metaElement(ev) : this.#element(ev);
      case "value":
        return this.#values.value(ev.bytes, ev.last);
      case "sequenceStart":
        return this.#sequenceStart(ev.tag, ev.offset);
      case "itemStart":
        return this.#itemStart();
      case "itemEnd":
        return this.#endLevel(levels.pop());
      case "pixelSequenceStart":
        this.#pixelSequence(ev.tag, ev.offset);
        return levels.push({ kind: "pixels" });
      case "fragment":
        return this.#values.startElement();
      case "sequenceEnd":
        levels.pop();
        return;
    }
  }

  #metaElement(ev: ElementEvent): void {
    if (META_SENDER.has(ev.tag)) {
      this.#finding("file-meta", ev.tag, ev.offset, "names the sending system and must be removed");
    }
    // (0002,0003) has a row of its own (U): it must be new like (0008,0018). Whether the two
    // agree is not checked: inputs disagree often (three corpus files), and it is no leak.
    if (ev.tag === MEDIA_SOP_INSTANCE) this.#checkUid(ev, this.#config.rows(ev.tag));
  }

  #element(ev: ElementEvent): void {
    const levels = this.#levels;
    if (levels.top().ownCodes) {
      if (ev.tag === CODE_VALUE) {
        this.#values.read(ev, (t) => this.#facts.codes.push(trimPad(t, true)));
      }
      return;
    }
    if (levels.atTop) this.#topLevelFact(ev);
    const vr = judgedVr(ev.tag, ev.vr);
    const row = this.#rowOf(ev.tag, ev.offset, ev);
    if (row === undefined) return;
    if (vr === "SQ") {
      // A sequence inside a defined-length UN value cannot be looked into: whatever its row,
      // only its absence (or an empty value) is safe, as the engine removes it.
      if (row && sequenceDemand(row.code) === "absent") {
        return this.#present(ev.tag, ev.offset, row);
      }
      if (ev.length > 0) {
        this.#finding("uninspectable", ev.tag, ev.offset, "a sequence hidden in a UN value");
      }
      return;
    }
    if (row === null) return;
    const demand = elementDemand(row.code, vr === "UI");
    if (demand === "absent") this.#present(ev.tag, ev.offset, row);
    else if (demand === "empty" && ev.length > 0) this.#notEmpty(ev.tag, ev.offset, row);
    else if (demand === "new-uid") this.#checkUid(ev, row);
  }

  /** Facts read from the top level: the identity claims. */
  #topLevelFact(ev: ElementEvent): void {
    const facts = this.#facts;
    if (ev.tag === IDENTITY_REMOVED) {
      facts.identityOffset = ev.offset;
      facts.identityRemoved = "";
      this.#values.read(ev, (t) => (facts.identityRemoved = trimPad(t, true).toUpperCase()));
    } else if (ev.tag === LONGITUDINAL) {
      facts.longitudinal = "";
      this.#values.read(ev, (t) => (facts.longitudinal = trimPad(t, true).toUpperCase()));
    }
  }

  /**
   * What every element gets before its row: illegal groups, File Meta inside the dataset,
   * private attributes, user rules, the engine's own claims. Returns the profile row to apply,
   * null when the profile has none (kept by default), or undefined when nothing more is to be
   * checked.
   */
  #rowOf(tag: Tag, offset: number, ev?: ElementEvent): RowCode | null | undefined {
    const group = groupOf(tag);
    const policy = this.#config.privatePolicy;
    if (ILLEGAL_GROUPS.has(group)) {
      this.#finding("illegal-group", tag, offset, "group is neither standard nor private");
      return undefined;
    }
    if (group === 0x0002) {
      this.#finding("file-meta", tag, offset, "a File Meta element inside the dataset");
      return undefined;
    }
    if (isPrivateTag(tag)) {
      const level = this.#levels.top();
      if (isPrivateCreator(tag)) {
        level.private?.addCreator(tag, offset);
        if (ev) this.#values.read(ev, (t) => level.private?.setCreatorText(tag, t));
      } else if (!level.private?.judge(tag, policy)) {
        this.#finding("private-kept", tag, offset, "private attribute not kept by any setting");
      }
      return undefined;
    }
    if (policy.exempt(tag)) return undefined;
    if (this.#levels.atTop && this.#config.pseudonymTags?.has(tag)) return undefined;
    if (this.#levels.atTop && (tag === IDENTITY_REMOVED || tag === METHOD_CODES)) return undefined;
    return this.#config.rows(tag) ?? null;
  }

  /** Encapsulated data (Pixel Data; in principle any OB/OW) is never empty. */
  #pixelSequence(tag: Tag, offset: number): void {
    const row = this.#rowOf(tag, offset);
    if (!row) return;
    const demand = elementDemand(row.code, false);
    if (demand === "absent") this.#present(tag, offset, row);
    else if (demand === "empty") this.#notEmpty(tag, offset, row);
  }

  #sequenceStart(tag: Tag, offset: number): void {
    const levels = this.#levels;
    if (levels.top().ownCodes) return levels.skipSubtree();
    if (levels.atTop && tag === METHOD_CODES) {
      this.#facts.methodCodes = true;
      return levels.push({ kind: "sequence", ownCodes: true });
    }
    const way = this.#sequenceWay(tag, offset);
    if (way === "skip") return levels.skipSubtree();
    levels.push({ kind: "sequence", empty: way === "no-items" ? { tag, offset } : undefined });
  }

  #sequenceWay(tag: Tag, offset: number): SequenceWay {
    const policy = this.#config.privatePolicy;
    if (isPrivateTag(tag)) {
      if (this.#levels.top().private?.judge(tag, policy)) return "check";
      this.#finding("private-kept", tag, offset, "private sequence not kept by any setting");
      return "skip";
    }
    const group = groupOf(tag);
    if (ILLEGAL_GROUPS.has(group) || group === 0x0002) return this.#rowOf(tag, offset), "skip";
    // A user rule exempts the sequence itself; its items still meet the profile, as the engine
    // applies the profile inside a kept sequence.
    if (policy.exempt(tag)) return "check";
    const row = this.#config.rows(tag);
    if (!row) return "check";
    const demand = sequenceDemand(row.code);
    if (demand === "absent") return this.#present(tag, offset, row), "skip";
    return demand === "empty" ? "no-items" : "check";
  }

  #itemStart(): void {
    const seq = this.#levels.top();
    if (seq.empty) {
      const { tag, offset } = seq.empty;
      this.#finding("attribute-not-empty", tag, offset, `${name(tag)} must have no items`);
      seq.empty = undefined; // once per sequence; its items are still checked
    }
    this.#levels.pushItem(seq.ownCodes === true);
  }

  #endLevel(level: Level): void {
    for (const c of level.private?.orphanCreators(this.#config.privatePolicy) ?? []) {
      this.#finding("private-kept", c.tag, c.offset, "private creator kept without its elements");
    }
  }

  #checkUid(ev: ElementEvent, row: RowCode | undefined): void {
    const uids = this.#config.uids;
    if (!row || row.code === "K" || ev.length === 0) return;
    if (!uids) {
      this.uidsSkipped++;
      return;
    }
    this.#values.read(ev, (text) => {
      this.uidsChecked++;
      for (const f of uidFindings(this.#file, ev, text, uids)) this.#report(f);
    });
  }

  #notEmpty(tag: Tag, offset: number, row: RowCode): void {
    this.#finding("attribute-not-empty", tag, offset, `${name(tag)} must be empty (${rule(row)})`);
  }

  #present(tag: Tag, offset: number, row: RowCode): void {
    this.#finding("attribute-present", tag, offset, `${name(tag)} must be removed (${rule(row)})`);
  }

  #finding(check: CheckId, tag: Tag, offset: number, message: string): void {
    this.#report(elementFinding(this.#file, check, tag, offset < 0 ? undefined : offset, message));
  }
}

function name(tag: Tag): string {
  return keywordOf(tag) ?? "attribute";
}

function rule(row: RowCode): string {
  return `${row.code}, row ${row.row}`;
}
