import assert from "node:assert/strict";
import { type EntryLike, type Found, walkEntries } from "./entry_walker.ts";

/** A fake file entry; `fail` makes `file()` report an error. */
function file(name: string, fail = false): EntryLike & { file: unknown } {
  return {
    isFile: true,
    isDirectory: false,
    name,
    file: (ok: (f: File) => void, err: (e: unknown) => void) =>
      setTimeout(() => fail ? err(new Error("gone")) : ok(new File([name], name)), 0),
  };
}

/** A fake folder whose reader hands out `batch` entries per call, as Chromium does (100). */
function dir(name: string, children: EntryLike[], batch = 2, fail = false) {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (ok: (e: EntryLike[]) => void, err: (e: unknown) => void) =>
          setTimeout(() => {
            if (fail) return err(new Error("denied"));
            ok(children.slice(at, at + batch));
            at += batch;
          }, 0),
      };
    },
  };
}

async function collect(roots: EntryLike[]): Promise<Found[]> {
  const out: Found[] = [];
  for await (const f of walkEntries(roots)) out.push(f);
  return out;
}

Deno.test("walkEntries() keeps relative paths through nested folders", async () => {
  const tree = dir("study", [
    dir("series1", [file("IM1.dcm"), file("IM2.dcm")]),
    file("notes.txt"),
  ]);
  const found = await collect([tree, file("loose.dcm")]);
  assert.deepEqual(found.map((f) => f.path), [
    "study/series1/IM1.dcm",
    "study/series1/IM2.dcm",
    "study/notes.txt",
    "loose.dcm",
  ]);
  const first = found[0];
  assert.ok("file" in first);
  assert.equal(await first.file.text(), "IM1.dcm");
});

Deno.test("walkEntries() reads a folder until readEntries() returns an empty batch", async () => {
  const names = Array.from({ length: 7 }, (_, i) => `f${i}.dcm`);
  const found = await collect([dir("big", names.map((n) => file(n)), 3)]);
  assert.deepEqual(found.map((f) => f.path), names.map((n) => `big/${n}`));
});

Deno.test("walkEntries() reports unreadable files and folders and goes on", async () => {
  const found = await collect([
    dir("a", [file("bad.dcm", true), dir("locked", [file("x")], 2, true), file("ok.dcm")]),
  ]);
  assert.deepEqual(found.map((f) => [f.path, "error" in f]), [
    ["a/bad.dcm", true],
    ["a/locked", true],
    ["a/ok.dcm", false],
  ]);
});

Deno.test("walkEntries() yields nothing for an empty folder", async () => {
  assert.deepEqual(await collect([dir("empty", [])]), []);
});
