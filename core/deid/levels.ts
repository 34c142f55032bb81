/**
 * Where the DeidentifyStage is in the output tree: the dataset, items, sequences and
 * encapsulated pixels it is inside, with what each level knows that decisions depend on (its
 * character sets, its private creators) and the path shown to custom rules and the audit.
 */
import { formatTag, groupOf, type Tag } from "../dicom/tag.ts";

/** A level of the output tree: the dataset, an item, a sequence or encapsulated pixels. */
export interface Level {
  readonly kind: "dataset" | "item" | "sequence" | "pixels";
  /** Specific Character Set (0008,0005) terms in force (an item inherits its dataset's). */
  charsets: string[];
  /** Private creators seen at this level: (group << 8 | block) → creator text. */
  readonly creators: Map<number, string>;
  /** Sequences only: their tag and how many items have started (for paths). */
  readonly tag?: Tag;
  items: number;
}

/** The levels from the top-level dataset (index 0) to the current one. */
export class LevelStack {
  readonly #levels: Level[] = [{ kind: "dataset", charsets: [], creators: new Map(), items: 0 }];

  /** How many levels are open (1: at the top-level dataset). */
  get depth(): number {
    return this.#levels.length;
  }

  /** Index of the current level (0: the top-level dataset). */
  get index(): number {
    return this.#levels.length - 1;
  }

  /** The current level. */
  get current(): Level {
    return this.#levels[this.#levels.length - 1];
  }

  /** Enters the next item of the current sequence. */
  enterItem(): void {
    const sequence = this.current;
    sequence.items++;
    this.#levels.push({ kind: "item", charsets: sequence.charsets, creators: new Map(), items: 0 });
  }

  /** Enters a sequence `tag` kept in the output. */
  enterSequence(tag: Tag): void {
    this.#levels.push({
      kind: "sequence",
      charsets: this.current.charsets,
      creators: new Map(),
      tag,
      items: 0,
    });
  }

  /** Enters encapsulated Pixel Data (its fragments carry no text). */
  enterPixels(): void {
    this.#levels.push({ kind: "pixels", charsets: [], creators: new Map(), items: 0 });
  }

  /** Leaves the current item, sequence or pixels. */
  leave(): void {
    this.#levels.pop();
  }

  /** Records the text of private creator `tag` (gggg,00xx) at the current level. */
  addCreator(tag: Tag, text: string): void {
    this.current.creators.set(groupOf(tag) * 256 + (tag & 0xff), text);
  }

  /** The creator text of a private element's block at the current level (PS3.5 §7.8.1). */
  creatorOf(tag: Tag): string | undefined {
    const element = tag & 0xffff;
    return element >= 0x1000
      ? this.current.creators.get(groupOf(tag) * 256 + (element >> 8))
      : undefined;
  }

  /** Where the current element sits: "(0008,1140)[0].(0008,1155)"-style, "" at the top. */
  path(): string {
    return this.#levels.flatMap((
      l,
    ) => (l.kind === "sequence" ? [`${formatTag(l.tag!)}[${l.items - 1}]`] : [])).join(".");
  }
}
