/**
 * Test inputs for the e2e tests: a folder holding a small synthetic study (make_corpus.py
 * --nested), two real corpus files and a non-DICOM note, plus helpers to unzip a download
 * and run phi_check.py over it.
 */
import { makeStudy } from "../support/anonymize_tree.ts";
import { dirname, join } from "node:path";
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from "@zip.js/zip.js";

const TOOLS = new URL("../tools/", import.meta.url).pathname;
/** The committed corpus files (tests/fixtures/corpus). */
export const CORPUS = new URL("../fixtures/corpus/", import.meta.url).pathname;
/** Corpus files added to the study folder; both anonymize cleanly. */
export const EXTRA = ["pydicom__CT_small.dcm", "pydicom__MR_small_implicit.dcm"];

/** The upload folder and where the planted PHI is listed. */
export interface StudyFolder {
  /** `…/study`: what the folder picker is given. */
  readonly dir: string;
  /** make_corpus.py's phi.json, kept outside the upload folder. */
  readonly phiJson: string;
  /** Relative paths (from the folder's parent, as the browser names them) by expected end state. */
  readonly dicom: string[];
  readonly other: string[];
}

/** Builds the study folder under `root`. */
export async function makeStudyFolder(root: string): Promise<StudyFolder> {
  const dir = join(root, "study");
  await makeStudy(dir, [
    "--nested",
    "--patients",
    "2",
    "--studies",
    "1",
    "--series",
    "1",
    "--images",
    "2",
    "--rows",
    "32",
    "--cols",
    "32",
  ]);
  const phiJson = join(root, "phi.json");
  await Deno.rename(join(dir, "phi.json"), phiJson);
  await Deno.mkdir(join(dir, "extra"));
  for (const f of EXTRA) await Deno.copyFile(join(CORPUS, f), join(dir, "extra", f));
  await Deno.writeTextFile(join(dir, "notes.txt"), "Reading notes: not a DICOM file.\n");
  const all = await listFiles(dir);
  return {
    dir,
    phiJson,
    dicom: all.filter((p) => p.endsWith(".dcm")).map((p) => `study/${p}`),
    other: all.filter((p) => !p.endsWith(".dcm")).map((p) => `study/${p}`),
  };
}

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...await listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Extracts a ZIP file into `out`; returns the entry names. */
export async function unzip(zipPath: string, out: string): Promise<string[]> {
  const reader = new ZipReader(new Uint8ArrayReader(await Deno.readFile(zipPath)));
  const names: string[] = [];
  for (const e of await reader.getEntries()) {
    if (e.directory) continue;
    names.push(e.filename);
    await Deno.mkdir(dirname(join(out, e.filename)), { recursive: true });
    await Deno.writeFile(join(out, e.filename), await e.getData!(new Uint8ArrayWriter()));
  }
  await reader.close();
  return names.sort();
}

/** Runs phi_check.py; returns its exit code and summary line. */
export async function phiCheck(
  phiJson: string,
  outDir: string,
): Promise<{ code: number; summary: string }> {
  const r = await new Deno.Command("/usr/bin/python3", {
    args: [`${TOOLS}phi_check.py`, phiJson, outDir, "--quiet"],
  }).output();
  const text = new TextDecoder().decode(r.stdout).trim();
  return { code: r.code, summary: text.split("\n").pop() ?? "" };
}
