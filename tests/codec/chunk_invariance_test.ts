// The core promise: the same input split at any byte boundary yields the same output bytes.
import assert from "node:assert/strict";
import { corpusPath, readManifest } from "../support/manifest.ts";
import { CHUNK_SIZES, parseJoined, roundTrip } from "../support/run_codec.ts";

const manifest = await readManifest();

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return { error: String(e) };
  }
}

for (const row of manifest) {
  Deno.test(`DicomPipeline() output and events are chunk-invariant for ${row.file}`, async () => {
    const bytes = await Deno.readFile(corpusPath(row.file));
    const whole = outcome(() => roundTrip(bytes, 0));
    const events = outcome(() => parseJoined(bytes, 0));
    for (const size of CHUNK_SIZES) {
      if (size === 0) continue;
      assert.deepEqual(
        outcome(() => roundTrip(bytes, size)),
        whole,
        `output at chunk size ${size}`,
      );
      assert.deepEqual(
        outcome(() => parseJoined(bytes, size)),
        events,
        `events at chunk size ${size}`,
      );
    }
  });
}
