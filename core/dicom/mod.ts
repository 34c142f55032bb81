/**
 * Streaming DICOM codec: a chunk-invariant push parser, an encoder and their stream wrappers.
 * `bytes → DicomParseStream → DicomEvent[] → (stages) → DicomEncodeStream → bytes`.
 */
export { ByteQueue } from "./byte_queue.ts";
export { DicomEncoder } from "./encoder.ts";
export { DicomParseError } from "./errors.ts";
export * from "./events.ts";
export { DicomParser, type DicomParserOptions } from "./parser.ts";
export {
  DicomEncodeStream,
  type DicomEventStage,
  DicomParseStream,
  DicomPipeline,
  DicomPipelineStream,
  DicomStageStream,
} from "./streams.ts";
export * from "./tag.ts";
export * from "./transfer_syntax.ts";
export * from "./vr.ts";
export { keywordOf, tagOfKeyword, vrOf } from "./dictionary.ts";
