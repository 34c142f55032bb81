/**
 * `anonymize --manifest`: the signed audit trail of a real run, checked against the files the
 * run wrote (hashes, byte counts), the inputs (keyed hashes), and what must never be in it.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { join } from "node:path";
import { makeZip } from "client-zip";
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from "@zip.js/zip.js";
import { CORPUS, makeStudy, runCli, TEST_KEY_HEX, withTempDir } from "./cli_helpers.ts";
import {
  checkManifest,
  hashKeyFor,
  hmacHex,
  type Rec,
  sha256Hex,
} from "../support/audit_manifest.ts";
import { buildImage, type ImageSpec, pattern, pixelBytes } from "../support/pixel_image.ts";

const KEY = Uint8Array.from(TEST_KEY_HEX.match(/../g)!, (h) => parseInt(h, 16));
const HASH_KEY = hashKeyFor(KEY);
/** A folder named like a patient: its name must not reach the manifest. */
const PHI_FOLDER = "DOE^JOHN 1961";

/** IN with a made study, plus a broken file, a non-DICOM file and a DICOMDIR under PHI_FOLDER. */
async function mixedInput(dir: string): Promise<string> {
  const input = join(dir, "in");
  await makeStudy(join(input, "study"));
  await Deno.mkdir(join(input, PHI_FOLDER));
  for (const name of ["pydicom__MR_truncated.dcm", "pydicom__crayons.icc", "pydicom__DICOMDIR"]) {
    await Deno.copyFile(join(CORPUS, name), join(input, PHI_FOLDER, name));
  }
  return input;
}

/** Checks every `ok`/`copied` record against OUT on disk and IN; returns the records. */
async function checkAgainstDisk(m: ReturnType<typeof checkManifest>, input: string, out: string) {
  for (const f of m.files.filter((f) => f.status === "ok" || f.status === "copied")) {
    const written = await Deno.readFile(join(out, f.output));
    assert.equal(f.outputSha256, sha256Hex(written), `${f.output}: output hash`);
    assert.equal(f.outputBytes, written.length);
    const original = await Deno.readFile(join(input, f.output));
    assert.equal(f.inputHmac, hmacHex(HASH_KEY, original), `${f.output}: input HMAC`);
    assert.equal(f.inputBytes, original.length);
  }
}

/** The file records without their chain fields, sorted: comparable across runs. */
const bodies = (files: Rec[]) =>
  files.map(({ seq: _s, prev: _p, ...rest }) => JSON.stringify(rest)).sort();

Deno.test("anonymize --manifest records every file with its status; hashes match the disk", async () => {
  await withTempDir(async (dir) => {
    const input = await mixedInput(dir);
    const runs = [];
    for (const jobs of ["1", "2"]) {
      const out = join(dir, `out${jobs}`), manifest = join(dir, `m${jobs}.jsonl`);
      const report = join(dir, `r${jobs}.json`);
      const args = ["anonymize", input, out, "--jobs", jobs, "--manifest", manifest];
      const run = await runCli([
        ...args,
        "--signing-key",
        join(dir, "sign.pem"),
        "--report",
        report,
      ]);
      assert.equal(run.code, 1, "one broken file");
      assert.match(run.stderr, /manifest: /);
      const m = checkManifest(await Deno.readTextFile(manifest));
      assert.deepEqual(m.problems, []);
      // The study's phi.json and the .icc file are not DICOM.
      assert.deepEqual(m.files.map((f) => f.status).sort(), [
        "dicomdir",
        "failed",
        "not-dicom",
        "not-dicom",
        "ok",
        "ok",
      ]);
      await checkAgainstDisk(m, input, out);
      const failed = m.files.find((f) => f.status === "failed")!;
      assert.match(
        failed.reason,
        /^Truncated value: 62 bytes missing at offset 0x259E in \(7FE0,0010\)$/,
      );
      assert.deepEqual(m.summary.files, {
        ok: 2,
        copied: 0,
        "not-dicom": 2,
        dicomdir: 1,
        failed: 1,
        "held-back": 0,
      });
      assert.deepEqual(m.summary.failures, [{ reason: failed.reason, count: 1 }]);
      const sum: Record<string, number> = {};
      for (const f of m.files) {
        for (const a of f.actions ?? []) sum[a.action] = (sum[a.action] ?? 0) + 1;
      }
      assert.deepEqual(m.summary.actions, sum);
      const r = JSON.parse(await Deno.readTextFile(report));
      assert.equal(m.header.keyId, r.keyFingerprint);
      assert.equal(m.header.hashKeyId, sha256Hex(HASH_KEY).slice(0, 16));
      assert.deepEqual(m.header.profile, { id: "dicomfields_2023", edition: "2023", options: [] });
      runs.push(m);
    }
    assert.deepEqual(bodies(runs[0].files), bodies(runs[1].files), "--jobs 1 and 2 agree");
    // The header's key is the one in --signing-key.
    const pem = await Deno.readTextFile(join(dir, "sign.pem"));
    const spki = createPublicKey(createPrivateKey(pem)).export({ type: "spki", format: "der" });
    assert.equal(runs[0].header.signingKey.publicKey, Buffer.from(spki).toString("base64"));
  });
});

/** Runs a command; returns its exit status and stdout. */
async function sh(cmd: string, args: string[], stdin?: Uint8Array) {
  const child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  if (stdin) await writer.write(stdin);
  await writer.close();
  const out = await child.output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

Deno.test("anonymize --manifest signature verifies with OpenSSL and the header's public key", async () => {
  await withTempDir(async (dir) => {
    const input = join(dir, "in");
    await Deno.mkdir(input);
    await Deno.copyFile(join(CORPUS, "pydicom__rtplan.dcm"), join(input, "rtplan.dcm"));
    const manifest = join(dir, "m.jsonl");
    const run = await runCli([
      "anonymize",
      input,
      join(dir, "out"),
      "--manifest",
      manifest,
      "--signing-key",
      join(dir, "sign.pem"),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const lines = (await Deno.readTextFile(manifest)).trimEnd().split("\n");
    const header = JSON.parse(lines[0]), signature = JSON.parse(lines[lines.length - 1]);
    const pub = join(dir, "pub.pem"), head = join(dir, "head.txt"), sig = join(dir, "sig.bin");
    const der = Buffer.from(header.signingKey.publicKey, "base64");
    const conv = await sh("openssl", ["pkey", "-pubin", "-inform", "DER", "-out", pub], der);
    assert.equal(conv.code, 0);
    await Deno.writeTextFile(head, signature.head);
    await Deno.writeFile(sig, Buffer.from(signature.signature, "base64"));
    const args = ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", head];
    const ok = await sh("openssl", [...args, "-sigfile", sig]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /Signature Verified Successfully/);
    await Deno.writeTextFile(
      head,
      signature.head.replace(/^./, (c: string) => c === "0" ? "1" : "0"),
    );
    assert.notEqual(
      (await sh("openssl", [...args, "-sigfile", sig])).code,
      0,
      "a changed head fails",
    );
    const sum = await sh("sha256sum", [], new TextEncoder().encode(lines[lines.length - 2]));
    assert.equal(sum.stdout.split(" ")[0], signature.head, "head = sha256sum of the summary line");
  });
});

Deno.test("anonymize --manifest holds no planted value and no input path", async () => {
  await withTempDir(async (dir) => {
    const input = await mixedInput(dir);
    const manifest = join(dir, "m.jsonl");
    const run = await runCli([
      "anonymize",
      input,
      join(dir, "out"),
      "--profile",
      "ps315-basic",
      "--manifest",
      manifest,
      "--signing-key",
      join(dir, "sign.pem"),
      "-t",
      "(0010,0010)",
      "replace_with_value",
      "SOMEONE ELSE",
    ]);
    assert.equal(run.code, 1);
    const text = await Deno.readTextFile(manifest);
    const m = checkManifest(text);
    assert.deepEqual(m.problems, []);
    assert.deepEqual(m.header.userRules, [{ tag: "(0010,0010)", action: "replace_with_value" }]);
    const phi = JSON.parse(await Deno.readTextFile(join(input, "study", "phi.json")));
    const planted = Object.values(phi.files).flatMap((rows) =>
      (rows as { value: string }[]).map((r) => r.value)
    );
    for (const value of planted.filter((v) => v.length >= 4)) {
      assert.ok(!text.includes(value), "a planted value is in the manifest");
    }
    for (const part of ["DOE", "JOHN", "1961", "MR_truncated", "crayons", "DICOMDIR", dir]) {
      assert.ok(!text.includes(part), "an input path component is in the manifest");
    }
    assert.ok(!text.includes("SOMEONE"), "a rule's value is in the manifest");
    // The planted UIDs are there only as keyed hashes.
    const ok = m.files.find((f) => f.status === "ok")!;
    const rel = ok.output.replace(/^study\//, "");
    const uids = phi.files[rel].filter((r: { category: string }) => r.category === "uid");
    assert.ok(uids.length > 0);
    for (const r of uids) assert.ok(ok.inputUids.includes(hmacHex(HASH_KEY, r.value)));
    const shifted = ok.actions.find((a: Rec) => a.tag === "(0010,0010)");
    assert.deepEqual(shifted, {
      tag: "(0010,0010)",
      keyword: "PatientName",
      path: "",
      action: "value",
      source: "user",
    });
  });
});

Deno.test("anonymize --manifest with ZIP in and out hashes the entries as stored", async () => {
  await withTempDir(async (dir) => {
    const ct = await Deno.readFile(join(CORPUS, "pydicom__CT_small.dcm"));
    const icc = await Deno.readFile(join(CORPUS, "pydicom__crayons.icc"));
    const zipIn = join(dir, "in.zip");
    const inputs = [{ name: "a/ct.dcm", input: ct }, { name: "a/notes.icc", input: icc }];
    await Deno.writeFile(zipIn, new Uint8Array(await new Response(makeZip(inputs)).arrayBuffer()));
    const zipOut = join(dir, "out.zip"), manifest = join(dir, "m.jsonl");
    const run = await runCli([
      "anonymize",
      zipIn,
      zipOut,
      "--copy-non-dicom",
      "--manifest",
      manifest,
      "--signing-key",
      join(dir, "sign.pem"),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const m = checkManifest(await Deno.readTextFile(manifest));
    assert.deepEqual(m.problems, []);
    const reader = new ZipReader(new Uint8ArrayReader(await Deno.readFile(zipOut)), {
      useWebWorkers: false,
    });
    const entries = new Map<string, Uint8Array>();
    for (const e of await reader.getEntries()) {
      if (!e.directory) entries.set(e.filename, await e.getData(new Uint8ArrayWriter()));
    }
    await reader.close();
    const byOutput = new Map(m.files.map((f) => [f.output, f]));
    assert.deepEqual([...byOutput.keys()].sort(), ["a/ct.dcm", "a/notes.icc"]);
    for (const [name, bytes] of entries) {
      assert.equal(byOutput.get(name)!.outputSha256, sha256Hex(bytes), name);
      assert.equal(byOutput.get(name)!.outputBytes, bytes.length);
    }
    assert.equal(byOutput.get("a/ct.dcm")!.status, "ok");
    assert.equal(byOutput.get("a/ct.dcm")!.inputHmac, hmacHex(HASH_KEY, ct));
    const copied = byOutput.get("a/notes.icc")!;
    assert.equal(copied.status, "copied");
    assert.equal(copied.inputHmac, hmacHex(HASH_KEY, icc));
    assert.equal(copied.outputSha256, sha256Hex(icc), "a copy hashes like its input");
    assert.equal(copied.actions, undefined);
  });
});

Deno.test("anonymize --manifest records a held-back file with its reason and no hashes", async () => {
  await withTempDir(async (dir) => {
    const spec: ImageSpec = { rows: 16, columns: 16, bitsAllocated: 8, modality: "CT" };
    const input = join(dir, "in");
    await Deno.mkdir(input);
    await Deno.writeFile(
      join(input, "burned.dcm"),
      buildImage({ ...spec, burnedIn: "YES" }, pattern(pixelBytes(spec))),
    );
    const manifest = join(dir, "m.jsonl");
    const run = await runCli([
      "anonymize",
      input,
      join(dir, "out"),
      "--manifest",
      manifest,
      "--signing-key",
      join(dir, "sign.pem"),
    ]);
    assert.equal(run.code, 0, run.stderr);
    const m = checkManifest(await Deno.readTextFile(manifest));
    assert.deepEqual(m.problems, []);
    assert.equal(m.files.length, 1);
    assert.deepEqual(Object.keys(m.files[0]), ["type", "seq", "prev", "status", "reason"]);
    assert.equal(m.files[0].status, "held-back");
    assert.match(m.files[0].reason, /burned-in annotation/);
    assert.equal(m.summary.files["held-back"], 1);
    assert.deepEqual(m.summary.failures, [], "held back is not a failure");
  });
});
