/**
 * Sequential pseudonyms for an upload that arrives as a stream (server batches): reads ahead
 * in its header, allocates the originals in the injected KV, and hands back the lookup for the
 * job with the stream replayed from its first byte. Other modes pass the body through.
 */
import type { PseudonymLookup } from "./attributes.ts";
import { peekStream } from "./header_peek.ts";
import type { PseudonymParams } from "./params.ts";
import { SequentialPseudonyms } from "./sequential.ts";

/** Where sequential pseudonyms are kept, as the server knows it. */
export interface PseudonymStore {
  readonly kv: Deno.Kv;
  readonly key: Uint8Array;
  /** CROSSWALK_ENABLED. */
  readonly keepOriginals: boolean;
}

/** The body to feed the job and, for sequential pseudonyms, the job's lookup. */
export async function readAhead(
  params: PseudonymParams,
  body: AsyncIterable<Uint8Array>,
  store: PseudonymStore,
): Promise<{ body: AsyncIterable<Uint8Array>; pseudonyms?: PseudonymLookup }> {
  if (params.pseudonyms !== "sequential") return { body };
  const { originals, replay } = await peekStream(body);
  const seq = new SequentialPseudonyms({ ...store, prefix: params.prefix! });
  return { body: replay, pseudonyms: await seq.lookupFor(originals) };
}
