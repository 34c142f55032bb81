/**
 * Library entry point: de-identify DICOM streams and files from TypeScript.
 *
 * ```ts
 * import { anonymizeFile, allTags, customRule, keepRule } from "./mod.ts";
 * const rules = [...allTags("dicomfields_2023").map(keepRule),
 *   customRule("PatientBirthDate", ({ value }) => value.slice(0, 4) + "0101")];
 * await anonymizeFile("in.dcm", "out.dcm", { rules, keepPrivateTags: true, key });
 * ```
 */
import { pipeFile } from "./cli/pipe_file.ts";
import { KernelCopy } from "./cli/kernel_copy.ts";
import type { CustomRuleFn } from "./core/deid/actions.ts";
import { createDeidentifier, type DeidConfig, type FileReport } from "./core/deid/engine.ts";
import { minimalRows } from "./core/deid/minimal.ts";
import { compileTagPattern, resolveProfile } from "./core/deid/profile.ts";
import type { UserRule } from "./core/deid/rules.ts";
import { parseTagSpec } from "./core/deid/tag_spec.ts";

export * from "./core/deid/mod.ts";
export type { CustomRuleFn, ElementInfo } from "./core/deid/actions.ts";
export { DicomParseError } from "./core/dicom/mod.ts";

/** The tag patterns a profile acts on (the reference's ALL_TAGS), e.g. "(0010,0010)". */
export function allTags(profile = "dicomfields_2023"): string[] {
  if (profile === "minimal") return minimalRows().map(([pattern]) => pattern);
  return [...resolveProfile(profile).allTags()];
}

/** A rule that keeps the tag (a tag spec: "(0010,0010)", "PatientName", "(60xx,3000)"…). */
export function keepRule(tag: string): UserRule {
  return { pattern: patternOf(tag), action: { name: "keep" }, source: `library keep ${tag}` };
}

/** A rule that hands the element's decoded value to `fn` (see {@link CustomRuleFn}). */
export function customRule(tag: string, fn: CustomRuleFn): UserRule {
  return { pattern: patternOf(tag), action: { name: "custom", fn }, source: `library rule ${tag}` };
}

function patternOf(tag: string) {
  return /x/i.test(tag) && /^\(/.test(tag) ? compileTagPattern(tag) : parseTagSpec(tag);
}

/** De-identifies a byte stream; the returned stream errors on malformed input. */
export function anonymize(
  readable: ReadableStream<Uint8Array>,
  config: DeidConfig,
): ReadableStream<Uint8Array> {
  const job = createDeidentifier(config).start();
  return readable.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        // The parser may keep no view of `chunk`, but outputs may be views: copy them out.
        for (const b of job.pipeline.push(chunk)) controller.enqueue(b.slice());
      },
      flush(controller) {
        for (const b of job.pipeline.finish()) controller.enqueue(b.slice());
      },
    }),
  );
}

/**
 * De-identifies one file into another, atomically: the output appears under its name only
 * when complete. Returns the PHI-free report.
 */
export async function anonymizeFile(
  inPath: string,
  outPath: string,
  config: DeidConfig,
): Promise<FileReport> {
  const job = createDeidentifier(config).start();
  const partial = `${outPath}.partial-${crypto.randomUUID()}`;
  try {
    using input = await Deno.open(inPath);
    {
      using output = await Deno.open(partial, { write: true, createNew: true });
      using kernel = KernelCopy.open(inPath, input, partial, output);
      await pipeFile(input, output, job.pipeline, undefined, kernel);
    }
    await Deno.rename(partial, outPath);
  } catch (error) {
    await Deno.remove(partial).catch(() => {});
    throw error;
  }
  return job.report();
}
