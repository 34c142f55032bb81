/**
 * Private groups kept selectively (Retain Safe Private, user rules on private tags): whether
 * a creator (gggg,00xx) is still needed is known only once its group has ended, so the
 * group's output is held until then and the creators of blocks with no element left are
 * dropped (PS3.5 §7.8.1). Every event the DeidentifyStage writes passes through here: it goes
 * to the nearest group being held at or below its level, else out.
 */
import type { DicomEvent } from "../dicom/events.ts";
import { groupOf, type Tag } from "../dicom/tag.ts";

/** Output held for a private group until it is known which creators are still needed. */
interface PrivateGroup {
  readonly group: number;
  /** Block (xx of gggg,00xx) → the creator's element and value events. */
  readonly creators: Map<number, DicomEvent[]>;
  /** Blocks that still have an element in the output. */
  readonly kept: Set<number>;
  readonly events: DicomEvent[];
  /** Events before this index own their bytes. */
  owned: number;
}

/** The private groups held per level of the output tree, and the output they hold back. */
export class PrivateGroups {
  /** The group held at each level index (0: the top-level dataset), if any. */
  readonly #pending: (PrivateGroup | undefined)[] = [];
  /** How many levels hold a group: none (the usual case) lets events go straight out. */
  #holding = 0;
  #out: DicomEvent[] = [];

  /** True while some level holds a group (its output is not final yet). */
  get holding(): boolean {
    return this.#holding > 0;
  }

  /** The group number held at level `index`, if one is. */
  groupAt(index: number): number | undefined {
    return this.#pending[index]?.group;
  }

  /** Starts holding the private group of `tag` at level `index`, unless one is held there. */
  open(index: number, tag: Tag): void {
    if (this.#pending[index]) return;
    this.#pending[index] = {
      group: groupOf(tag),
      creators: new Map(),
      kept: new Set(),
      events: [],
      owned: 0,
    };
    this.#holding++;
  }

  /** Marks the block of private element `tag` as used in the output (its creator stays). */
  keep(index: number, tag: Tag): void {
    this.#pending[index]!.kept.add((tag & 0xffff) >> 8);
  }

  /**
   * Holds the events of creator `tag` (gggg,00xx) aside: written only if its block is used.
   * Their value is copied here: it may be a view of the chunk being pushed, and the group can
   * outlive that push (a reused read buffer would otherwise show through, other values of the
   * input included, in the creator written later).
   */
  setCreator(index: number, tag: Tag, events: DicomEvent[]): void {
    const owned = events.map((e) => e.kind === "value" ? { ...e, bytes: e.bytes.slice() } : e);
    this.#pending[index]!.creators.set(tag & 0xff, owned);
  }

  /** Ends the group held at level `index`: used creators in block order, then its events. */
  flush(index: number): void {
    const pending = this.#pending[index];
    if (!pending) return;
    this.#pending[index] = undefined;
    this.#holding--;
    for (const block of [...pending.creators.keys()].sort((a, b) => a - b)) {
      if (pending.kept.has(block)) {
        for (const e of pending.creators.get(block)!) this.emitAt(index - 1, e);
      }
    }
    for (const e of pending.events) this.emitAt(index - 1, e);
  }

  /** Sends an event to the nearest private group being held at or below `index`, else out. */
  emitAt(index: number, ev: DicomEvent): void {
    if (this.#holding > 0) {
      for (let i = index; i >= 0; i--) {
        const pending = this.#pending[i];
        if (pending) {
          pending.events.push(ev);
          return;
        }
      }
    }
    this.#out.push(ev);
  }

  /** Copies the bytes of value events held since the last call (the codec's buffer contract). */
  own(): void {
    if (this.#holding === 0) return;
    for (const pending of this.#pending) {
      if (!pending) continue;
      for (let i = pending.owned; i < pending.events.length; i++) {
        const ev = pending.events[i];
        if (ev.kind === "value") pending.events[i] = { ...ev, bytes: ev.bytes.slice() };
      }
      pending.owned = pending.events.length;
    }
  }

  /** The events that are final, in order; the next call returns only newer ones. */
  take(): DicomEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }
}
