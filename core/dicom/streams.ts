import { DicomEncoder } from "./encoder.ts";
import type { DicomEvent } from "./events.ts";
import { DicomParser, type DicomParserOptions } from "./parser.ts";

/**
 * A synchronous stage between parser and encoder: events in, events out. The
 * de-identification engine is one; a pipeline chains any number of them in one stream hop.
 */
export interface DicomEventStage {
  /** Transforms a batch of events. */
  push(events: DicomEvent[]): DicomEvent[];
  /** Flushes held events at the end of input. */
  finish(): DicomEvent[];
  /**
   * True when the value now streaming leaves this stage byte for byte, unseen and unchanged,
   * and nothing is held: only then may its bytes bypass the pipeline (DicomPipeline.bypass).
   * A stage without this method never allows it.
   */
  passesValueUnseen?(): boolean;
}

/**
 * Bytes → batches of {@link DicomEvent}s. One batch per input chunk: batching keeps the
 * per-event cost of Web streams off the hot path.
 */
export class DicomParseStream extends TransformStream<Uint8Array, DicomEvent[]> {
  constructor(options?: DicomParserOptions) {
    const parser = new DicomParser(options);
    super({
      transform(chunk, controller) {
        const events = parser.push(chunk);
        if (events.length > 0) controller.enqueue(events);
      },
      flush(controller) {
        const events = parser.finish();
        if (events.length > 0) controller.enqueue(events);
      },
    });
  }
}

/** Batches of {@link DicomEvent}s → Part 10 bytes. */
export class DicomEncodeStream extends TransformStream<DicomEvent[], Uint8Array> {
  constructor() {
    const encoder = new DicomEncoder();
    super({
      transform(events, controller) {
        for (const b of encoder.push(events)) controller.enqueue(b);
      },
      flush(controller) {
        for (const b of encoder.finish()) controller.enqueue(b);
      },
    });
  }
}

/** Batches of events through a synchronous stage (e.g. de-identification). */
export class DicomStageStream extends TransformStream<DicomEvent[], DicomEvent[]> {
  constructor(stage: DicomEventStage) {
    super({
      transform(events, controller) {
        const out = stage.push(events);
        if (out.length > 0) controller.enqueue(out);
      },
      flush(controller) {
        const out = stage.finish();
        if (out.length > 0) controller.enqueue(out);
      },
    });
  }
}

/**
 * Parse → stages → encode in one synchronous pass per chunk: the fast path for files and
 * uploads (one stream hop instead of three, TOOLCHAIN §7).
 */
export class DicomPipeline {
  #parser: DicomParser;
  #stages: readonly DicomEventStage[];
  #encoder = new DicomEncoder();

  constructor(stages: readonly DicomEventStage[] = [], options?: DicomParserOptions) {
    this.#parser = new DicomParser(options);
    this.#stages = stages;
  }

  /** Feeds input bytes; returns output bytes ready so far. */
  push(chunk: Uint8Array): Uint8Array[] {
    return this.#encode(this.#parsed(() => this.#parser.push(chunk)), false);
  }

  /** Ends the input; returns the remaining output or throws a DicomParseError. */
  finish(): Uint8Array[] {
    return this.#encode(this.#parsed(() => this.#parser.finish()), true);
  }

  /**
   * How many of the next input bytes may go straight to the output without passing through
   * here (a file copy in the kernel, for Pixel Data): the rest of the value now streaming but
   * its last byte, when the parser, every stage and the encoder agree that those bytes would
   * come out unchanged at the next output position. 0 otherwise.
   */
  bypassable(): number {
    const n = this.#parser.bypassable();
    if (n === 0) return 0;
    for (const stage of this.#stages) if (!stage.passesValueUnseen?.()) return 0;
    return this.#encoder.bypassable(n + 1) ? n : 0;
  }

  /**
   * Takes `n` ≤ {@link bypassable} input bytes as copied by the caller: returns the output that
   * must come before them. The caller writes that, then the `n` input bytes unchanged, then
   * goes on pushing the input that follows them; the output equals that of pushing them.
   * `bypass(0)` only returns that output, so a caller can write it, copy, and then report the
   * bytes it did copy (a file may end sooner than its value).
   */
  bypass(n: number): Uint8Array[] {
    const room = this.bypassable();
    if (room === 0 || !Number.isInteger(n) || n < 0 || n > room) {
      throw new RangeError(`bypass(${n}): ${room} bytes may bypass`);
    }
    if (n > 0) this.#parser.bypass(n);
    return this.#encoder.bypass(n);
  }

  /**
   * The parser's events, or its error after the stages have seen the events decoded before it.
   * Otherwise which error a run ends with would depend on chunking: a stage that refuses a file
   * at the end of its header (burned-in text, a DICOMDIR) saw that header when it came in an
   * earlier chunk, but not when the same bytes came in one push with a broken value further on
   * (fuzzing). Now the first error in stream order wins either way.
   */
  #parsed(parse: () => DicomEvent[]): DicomEvent[] {
    try {
      return parse();
    } catch (err) {
      const before = this.#parser.takePending();
      if (before.length > 0) this.#encode(before, false); // its output is dropped: the run fails
      throw err;
    }
  }

  #encode(events: DicomEvent[], final: boolean): Uint8Array[] {
    for (let i = 0; i < this.#stages.length; i++) {
      const stage = this.#stages[i];
      events = stage.push(events);
      if (final) events = events.concat(stage.finish());
    }
    const out = this.#encoder.push(events);
    return final ? out.concat(this.#encoder.finish()) : out;
  }
}

/** {@link DicomPipeline} as a byte stream: `file.readable.pipeThrough(new DicomPipelineStream())`. */
export class DicomPipelineStream extends TransformStream<Uint8Array, Uint8Array> {
  constructor(stages: readonly DicomEventStage[] = [], options?: DicomParserOptions) {
    const pipeline = new DicomPipeline(stages, options);
    super({
      transform(chunk, controller) {
        for (const b of pipeline.push(chunk)) controller.enqueue(b);
      },
      flush(controller) {
        for (const b of pipeline.finish()) controller.enqueue(b);
      },
    });
  }
}
