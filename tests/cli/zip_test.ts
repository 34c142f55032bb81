import assert from "node:assert/strict";
import { join } from "node:path";
import { makeZip } from "client-zip";
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from "@zip.js/zip.js";
import { safeEntryPath } from "../../cli/zip_source.ts";
import { CORPUS, listTree, runCli, withTempDir } from "./cli_helpers.ts";

/** Writes a store-only ZIP of `entries` (name → bytes; a name ending in "/" is a folder). */
async function writeZip(
  path: string,
  entries: Record<string, Uint8Array | null>,
): Promise<Uint8Array> {
  const inputs = Object.entries(entries).map(([name, input]) =>
    input === null ? { name } : { name, input, lastModified: new Date(0) }
  );
  const bytes = new Uint8Array(await new Response(makeZip(inputs)).arrayBuffer());
  await Deno.writeFile(path, bytes);
  return bytes;
}

/** Every file entry of a ZIP, by name. */
async function readZip(path: string): Promise<Map<string, Uint8Array>> {
  const reader = new ZipReader(new Uint8ArrayReader(await Deno.readFile(path)), {
    useWebWorkers: false,
  });
  const out = new Map<string, Uint8Array>();
  for (const e of await reader.getEntries()) {
    if (!e.directory) out.set(e.filename, await e.getData(new Uint8ArrayWriter()));
  }
  await reader.close();
  return out;
}

Deno.test("anonymize reads a ZIP into a ZIP or a folder with the same bytes", async () => {
  await withTempDir(async (dir) => {
    const ct = await Deno.readFile(join(CORPUS, "pydicom__CT_small.dcm"));
    const mr = await Deno.readFile(join(CORPUS, "pydicom__MR_small_implicit.dcm"));
    const input = join(dir, "study.zip");
    await writeZip(input, {
      "study/": null,
      "study/a/ct.dcm": ct,
      "study/mr.dcm": mr,
      "readme.txt": new TextEncoder().encode("hello"),
    });
    const zipRun = await runCli(["anonymize", input, join(dir, "out.zip"), "--jobs", "2"]);
    assert.equal(zipRun.code, 0, zipRun.stderr);
    const dirRun = await runCli(["anonymize", input, join(dir, "out"), "-q"]);
    assert.equal(dirRun.code, 0, dirRun.stderr);
    const zipped = await readZip(join(dir, "out.zip"));
    assert.deepEqual([...zipped.keys()].sort(), ["study/a/ct.dcm", "study/mr.dcm"]);
    assert.deepEqual(await listTree(join(dir, "out")), ["study/a/ct.dcm", "study/mr.dcm"]);
    for (const [name, bytes] of zipped) {
      assert.deepEqual(bytes, await Deno.readFile(join(dir, "out", name)), name);
    }
    assert.notDeepEqual(zipped.get("study/a/ct.dcm"), ct);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "out",
      "out.zip",
      "study.zip",
    ]);
  });
});

Deno.test("anonymize refuses a ZIP with an unsafe entry name or a bomb's declared size", async () => {
  await withTempDir(async (dir) => {
    const ct = await Deno.readFile(join(CORPUS, "pydicom__CT_small.dcm"));
    await writeZip(join(dir, "slip.zip"), { "ok.dcm": ct, "../evil.dcm": ct });
    const bomb = await writeZip(join(dir, "bomb.zip"), { "a.dcm": ct });
    // Central directory header (PK\1\2): the uncompressed size sits 24 bytes in; claim ~4 GiB.
    const cd = bomb.findIndex((_, i) =>
      bomb[i] === 0x50 && bomb[i + 1] === 0x4b && bomb[i + 2] === 1
    );
    new DataView(bomb.buffer).setUint32(cd + 24, 0xfffffff0, true);
    await Deno.writeFile(join(dir, "bomb.zip"), bomb);
    const slip = await runCli(["anonymize", join(dir, "slip.zip"), join(dir, "out1")]);
    assert.equal(slip.code, 1);
    assert.match(slip.stderr, /slip\.zip: .*unsafe name \(absolute or \.\.\); archive refused/);
    const boom = await runCli(["anonymize", join(dir, "bomb.zip"), join(dir, "out2.zip")]);
    assert.equal(boom.code, 1);
    assert.match(boom.stderr, /compression ratio over 100:1/);
    assert.deepEqual(await listTree(dir), ["bomb.zip", "slip.zip"]);
  });
});

Deno.test("safeEntryPath() refuses absolute names and .. and normalises separators", () => {
  assert.equal(safeEntryPath("a/./b//c.dcm"), "a/b/c.dcm");
  assert.equal(safeEntryPath("a\\b.dcm"), "a/b.dcm");
  for (const bad of ["/etc/passwd", "\\x", "C:/x", "a/../../x", "..", "a\0b", "./"]) {
    assert.equal(safeEntryPath(bad), undefined, bad);
  }
});
