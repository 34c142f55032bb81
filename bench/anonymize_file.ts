// Benchmark subject: default de-identification, file to file (`deno run -A bench/anonymize_file.ts IN OUT`).
import { createDeidentifier } from "../core/deid/mod.ts";
import { pipeFile } from "../cli/pipe_file.ts";

const [inPath, outPath] = Deno.args;
if (!inPath || !outPath) {
  console.error("usage: anonymize_file.ts IN OUT");
  Deno.exit(2);
}
// A fixed benchmark key: the numbers do not depend on it.
const deid = createDeidentifier({ key: new TextEncoder().encode("benchmark-key-0123456789") });
using input = await Deno.open(inPath);
using output = await Deno.open(outPath, { write: true, create: true, truncate: true });
await pipeFile(input, output, deid.start().pipeline);
