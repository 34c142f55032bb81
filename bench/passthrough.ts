// Benchmark subject: parse → encode with no changes, file to file (`deno run -A bench/passthrough.ts IN OUT`).
import { DicomPipeline } from "../core/dicom/mod.ts";
import { pipeFile } from "../cli/pipe_file.ts";

const [inPath, outPath] = Deno.args;
if (!inPath || !outPath) {
  console.error("usage: passthrough.ts IN OUT");
  Deno.exit(2);
}
using input = await Deno.open(inPath);
using output = await Deno.open(outPath, { write: true, create: true, truncate: true });
await pipeFile(input, output, new DicomPipeline());
