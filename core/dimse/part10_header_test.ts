import assert from "node:assert/strict";
import { join } from "node:path";
import { readPart10Header } from "./part10_header.ts";

const CORPUS = new URL("../../tests/fixtures/corpus/", import.meta.url).pathname;

Deno.test("readPart10Header() finds the UIDs, syntax and dataset offset dcmdump reports", async () => {
  using f = await Deno.open(join(CORPUS, "pydicom__JPEG-lossy.dcm"));
  const h = await readPart10Header(f);
  assert.equal(h.sopClassUid, "1.2.840.10008.5.1.4.1.1.7");
  assert.equal(h.transferSyntax, "1.2.840.10008.1.2.4.51");
  assert.match(h.sopInstanceUid, /^[0-9.]+$/);
  // dcmdump +P: the group length element says how long the File Meta group is.
  const { stdout } = await new Deno.Command("dcmdump", {
    args: ["-M", "+P", "0002,0000", join(CORPUS, "pydicom__JPEG-lossy.dcm")],
    stdout: "piped",
  }).output();
  const groupLength = Number(/UL (\d+)/.exec(new TextDecoder().decode(stdout))![1]);
  assert.equal(h.datasetOffset, 144 + groupLength);
});

Deno.test("readPart10Header() refuses files without DICM or group length", async () => {
  for (const name of ["pydicom__ExplVR_LitEndNoMeta.dcm", "pydicom__no_meta_group_length.dcm"]) {
    using f = await Deno.open(join(CORPUS, name));
    await assert.rejects(() => readPart10Header(f), TypeError, name);
  }
});
