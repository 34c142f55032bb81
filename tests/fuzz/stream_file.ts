/**
 * Streams one file through the codec or the default de-identification the way the CLI and
 * server do (64 KiB reads into one reused buffer, output discarded) and prints one JSON line:
 * outcome, error name and message, milliseconds and this process's peak RSS. For the hostile
 * inputs too big to run as in-memory fuzz cases (deep nesting, millions of elements).
 *
 *   deno run -A --v8-flags=--max-old-space-size=200 tests/fuzz/stream_file.ts FILE codec|deid
 */
import { DicomPipeline } from "../../core/dicom/mod.ts";
import { createDeidentifier } from "../../core/deid/mod.ts";
import { FUZZ_KEY } from "./fuzz_case.ts";
import { peakRssMb } from "./fuzz_worker.ts";

/** The line printed. */
export interface StreamResult {
  outcome: "ok" | "error";
  name?: string;
  message?: string;
  outputBytes: number;
  ms: number;
  peakRssMb: number;
}

if (import.meta.main) {
  const [path, mode] = Deno.args;
  const pipeline = mode === "codec"
    ? new DicomPipeline()
    : createDeidentifier({ key: FUZZ_KEY }).start().pipeline;
  const started = performance.now();
  let outputBytes = 0;
  let error: Error | undefined;
  try {
    using file = await Deno.open(path);
    const buf = new Uint8Array(64 * 1024);
    for (let n = await file.read(buf); n !== null; n = await file.read(buf)) {
      for (const b of pipeline.push(buf.subarray(0, n))) outputBytes += b.length;
    }
    for (const b of pipeline.finish()) outputBytes += b.length;
  } catch (e) {
    error = e as Error;
  }
  const result: StreamResult = {
    outcome: error ? "error" : "ok",
    ...(error ? { name: error.name, message: error.message } : {}),
    outputBytes,
    ms: Math.round(performance.now() - started),
    peakRssMb: Math.round(peakRssMb()),
  };
  console.log(JSON.stringify(result));
}
