/**
 * A multipart body as an async sequence of parts, pulled from the request as they are read:
 * each part's body is an async iterable of views of the request's own chunks. Nothing is read
 * ahead of the consumer, so the request's backpressure reaches the client. A part whose body
 * the consumer leaves unread (or stops reading) is skipped when the next part is asked for.
 */
import {
  type MultipartEvent,
  type MultipartOptions,
  MultipartParser,
  type PartHeaders,
} from "./multipart_related.ts";

/** One part: its 1-based position, headers and body (read it before asking for the next). */
export interface RelatedPart {
  readonly index: number;
  readonly headers: PartHeaders;
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * The parts of `source`. Throws MultipartError (malformed or truncated body: the error
 * surfaces in the body of the part being read, or when the next part is asked for) or
 * UploadTooLargeError (too many parts). After the close delimiter the epilogue is read and
 * dropped, so the request is complete when the sequence ends.
 */
export async function* relatedParts(
  source: AsyncIterable<Uint8Array>,
  options: MultipartOptions,
): AsyncGenerator<RelatedPart> {
  const parser = new MultipartParser(options);
  const input = source[Symbol.asyncIterator]();
  let events: MultipartEvent[] = [];
  let at = 0;
  let ended = false;
  const next = async (): Promise<MultipartEvent | null> => {
    while (at >= events.length) {
      if (ended) return null;
      const r = await input.next();
      if (r.done) {
        ended = true;
        events = parser.finish();
      } else events = parser.push(r.value);
      at = 0;
    }
    return events[at++];
  };
  for (let ev = await next(); ev !== null; ev = await next()) {
    if (ev.kind === "error") throw ev.error;
    if (ev.kind !== "part") continue; // data and ends of a part left unread; close; epilogue
    const part = { open: true };
    const body = async function* (): AsyncGenerator<Uint8Array> {
      while (part.open) {
        const e = await next();
        if (e === null) return; // unreachable: finish() reports a missing close delimiter
        if (e.kind === "error") throw e.error;
        if (e.kind === "data") yield e.bytes;
        else part.open = false; // partEnd
      }
    };
    yield { index: ev.index, headers: ev.headers, body: body() };
    part.open = false; // done with this part: the loop skips whatever it left unread
  }
}
