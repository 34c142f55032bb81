/**
 * Drives a pipeline as the CLI's kernel-copy path does, in memory: input is pushed `size`
 * bytes at a time, and whenever the pipeline allows it, up to `2 × size` bytes of the current
 * value skip it (`bypass`) and are appended to the output as they are.
 */
import type { DicomPipeline } from "../../core/dicom/mod.ts";
import { concat } from "../../core/dicom/file_meta.ts";

/** The output of the run and how many input bytes bypassed the pipeline. */
export interface BypassRun {
  output: Uint8Array;
  bypassed: number;
}

/** Runs `bytes` through `pipeline` with every bypass it allows; throws what the pipeline throws. */
export function runWithBypass(pipeline: DicomPipeline, bytes: Uint8Array, size: number): BypassRun {
  const out: Uint8Array[] = [];
  let bypassed = 0;
  for (let at = 0; at < bytes.length;) {
    const room = Math.min(pipeline.bypassable(), 2 * size);
    if (room > 0) {
      // As the CLI does: write what comes before, copy, then report what was copied (a file
      // may end inside the value, and a short copy leaves the rest to push()).
      out.push(...pipeline.bypass(0).map((c) => c.slice()));
      const copied = Math.min(room, bytes.length - at);
      if (copied > 0) {
        out.push(...pipeline.bypass(copied));
        out.push(bytes.slice(at, at + copied));
        bypassed += copied;
        at += copied;
        continue;
      }
    }
    // Copies, as a file read into a reused buffer would be.
    out.push(...pipeline.push(bytes.slice(at, at + size)).map((c) => c.slice()));
    at += size;
  }
  out.push(...pipeline.finish());
  return { output: concat(out).slice(), bypassed };
}
