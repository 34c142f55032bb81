// End to end: the real `anonymize --manifest` (the writer) and the real `verify` (the reader),
// as a user runs them, on a synthetic PHI-laden study.
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { join } from "node:path";
import { listTree, makeStudy, runCli, TEST_KEY_HEX, withTempDir } from "../cli/cli_helpers.ts";
import { chainAndSign, makeSigner, recordsOf, signerFromPem } from "./manifest_fixture.ts";

/** A made study anonymized with a manifest: paths of everything the tests need. */
interface Run {
  study: string;
  out: string;
  manifest: string;
  keyFile: string;
  signingKey: string;
  publicKey: string;
  phiList: string;
}

async function anonymizeStudy(dir: string, extra: string[] = [], out = "out"): Promise<Run> {
  const study = await makeStudy(join(dir, "study"), ["--patients", "2", "--nested"]);
  const r: Run = {
    study,
    out: join(dir, out),
    manifest: join(dir, "manifest.jsonl"),
    keyFile: join(dir, "deid.key"),
    signingKey: join(dir, "signing.pem"),
    publicKey: join(dir, "public.pem"),
    phiList: join(dir, "phi.txt"),
  };
  await Deno.writeTextFile(r.keyFile, TEST_KEY_HEX);
  const run = await runCli([
    "anonymize",
    study,
    r.out,
    "-q",
    "--key-file",
    r.keyFile,
    "--manifest",
    r.manifest,
    "--signing-key",
    r.signingKey,
    ...extra,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const pem = createPublicKey(createPrivateKey(await Deno.readTextFile(r.signingKey)));
  await Deno.writeTextFile(r.publicKey, pem.export({ type: "spki", format: "pem" }).toString());
  // Every planted string of every file, as a site would list its patients' identifiers.
  const phi = JSON.parse(await Deno.readTextFile(join(study, "phi.json")));
  const strings = new Set(Object.values(phi.strings as Record<string, string[]>).flat());
  await Deno.writeTextFile(r.phiList, [...strings].join("\n") + "\n");
  return r;
}

/** `verify` with the run's manifest and keys; `--json` parsed. */
async function verify(r: Run, extra: string[] = []) {
  const run = await runCli([
    "verify",
    r.out,
    "--manifest",
    r.manifest,
    "--key-file",
    r.keyFile,
    "--public-key",
    r.publicKey,
    "--json",
    ...extra,
  ]);
  const json = run.stdout ? JSON.parse(run.stdout) : undefined;
  const found = (json?.findings ?? []).map((f: { check: string; file: string; tag?: string }) =>
    `${f.check} ${f.file}${f.tag ? ` ${f.tag}` : ""}`
  );
  return { ...run, json, found: found as string[] };
}

const dicomFiles = async (out: string) => (await listTree(out)).filter((f) => f.endsWith(".dcm"));

Deno.test("verify passes a clean anonymize --manifest run, UIDs and --phi-list included", async () => {
  await withTempDir(async (dir) => {
    const r = await anonymizeStudy(dir);
    const v = await verify(r, ["--phi-list", r.phiList]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.deepEqual(v.found, []);
    assert.equal(v.json.files, 4);
    assert.equal(v.json.dicomFiles, 4);
    assert.ok(v.json.uids.checked > 20, `${v.json.uids.checked} UIDs checked`);
    assert.equal(v.json.uids.notChecked, 0);
    // The plain text form: findings on stdout, the summary on stderr.
    const text = await runCli(["verify", r.out, "--manifest", r.manifest]);
    assert.equal(text.code, 0);
    assert.equal(text.stdout, "");
    assert.match(text.stderr, /4 file\(s\) read \(4 DICOM\).*0 finding\(s\)/);
    assert.match(text.stderr, /note: UID check skipped: no --key-file/);
  });
});

Deno.test("verify finds a byte flipped in an output's Pixel Data", async () => {
  await withTempDir(async (dir) => {
    const r = await anonymizeStudy(dir);
    const [victim] = await dicomFiles(r.out);
    const path = join(r.out, victim);
    const bytes = await Deno.readFile(path);
    bytes[bytes.length - 3] ^= 0x40; // Pixel Data is the last element
    await Deno.writeFile(path, bytes);
    const v = await verify(r);
    assert.equal(v.code, 1);
    assert.deepEqual(v.found, [`output-hash ${victim}`]);
  });
});

Deno.test("verify finds an edited manifest record, and a re-chained one by its signature", async () => {
  await withTempDir(async (dir) => {
    const r = await anonymizeStudy(dir);
    const original = await Deno.readTextFile(r.manifest);
    const lines = original.split("\n");
    // An auditor's copy where one output's size was "corrected". Records come in completion
    // order, so the first output's line is looked for (phi.json's not-dicom record has none).
    const at = lines.findIndex((l) => l.includes('"outputBytes"'));
    lines[at] = lines[at].replace(
      /"outputBytes":(\d+)/,
      (_m, n) => `"outputBytes":${Number(n) + 2}`,
    );
    await Deno.writeTextFile(r.manifest, lines.join("\n"));
    const edited = await verify(r);
    assert.equal(edited.code, 1);
    assert.ok(edited.found.includes("manifest-chain manifest.jsonl"), edited.found.join("\n"));
    // Re-chained so that every prev holds, but without the signing key: the old signature
    // does not cover the new summary line.
    const records = recordsOf(original);
    (records[at] as { outputBytes: number }).outputBytes += 2;
    const signature = original.trimEnd().split("\n").at(-1)!;
    await Deno.writeTextFile(r.manifest, chainAndSign(records, undefined) + `${signature}\n`);
    const rechained = await verify(r);
    assert.ok(!rechained.found.includes("manifest-chain manifest.jsonl"));
    assert.ok(rechained.found.includes("manifest-signature manifest.jsonl"));
    // Re-signed with a key of the forger's own: only a pinned --public-key tells.
    const forger = makeSigner();
    records[0] = { ...records[0], signingKey: forger.header };
    await Deno.writeTextFile(r.manifest, chainAndSign(records, forger));
    const forged = await verify(r);
    assert.ok(forged.found.includes("manifest-signature manifest.jsonl"), forged.found.join());
  });
});

Deno.test("verify finds outputs of a weaker rule set than the manifest claims", async () => {
  await withTempDir(async (dir) => {
    // Patient Name kept by a rule, and the header's copy of the rules emptied and re-signed
    // (a writer that forgot a rule would produce just this).
    const r = await anonymizeStudy(dir, ["-t", "(0010,0010)", "keep"]);
    const honest = await verify(r);
    assert.deepEqual(honest.found, [], "the rule is in the header: exempt");
    const records = recordsOf(await Deno.readTextFile(r.manifest));
    assert.deepEqual(records[0].userRules, [{ tag: "(0010,0010)", action: "keep" }]);
    records[0] = { ...records[0], userRules: [] };
    await Deno.writeTextFile(r.manifest, chainAndSign(records, await signerFromPem(r.signingKey)));
    const v = await verify(r);
    assert.equal(v.code, 1);
    for (const rel of await dicomFiles(r.out)) {
      assert.ok(v.found.includes(`attribute-not-empty ${rel} (0010,0010)`), v.found.join("\n"));
      assert.ok(v.found.includes(`identity ${rel} (0012,0062)`));
    }
    // Without any manifest the default profile catches it too.
    const bare = await runCli(["verify", r.out, "-q"]);
    assert.equal(bare.code, 1);
    assert.match(bare.stdout, /\(0010,0010\) at 0x[0-9A-F]+: attribute-not-empty: PatientName/);
  });
});

Deno.test("verify finds private groups kept by --keepPrivateTags when the header denies it", async () => {
  await withTempDir(async (dir) => {
    const r = await anonymizeStudy(dir, ["--keepPrivateTags"]);
    assert.deepEqual((await verify(r)).found, []);
    const records = recordsOf(await Deno.readTextFile(r.manifest));
    records[0] = { ...records[0], keepPrivateTags: false };
    await Deno.writeTextFile(r.manifest, chainAndSign(records, await signerFromPem(r.signingKey)));
    const v = await verify(r);
    assert.equal(v.code, 1);
    const privates = v.found.filter((f) => f.startsWith("private-kept "));
    assert.ok(privates.length >= 4 * 4, `${privates.length} private findings`); // 2 blocks a file
    assert.ok(v.found.some((f) => f.startsWith("identity ")));
  });
});

Deno.test("verify --phi-list finds a planted value by offset and never prints it", async () => {
  await withTempDir(async (dir) => {
    const r = await anonymizeStudy(dir);
    const [victim] = await dicomFiles(r.out);
    const phi = JSON.parse(await Deno.readTextFile(join(r.study, "phi.json")));
    const name = (phi.files[victim] as { path: string; value: string }[])
      .find((e) => e.path === "PatientName")!.value;
    // Burned into the pixels: the last bytes of Pixel Data, the element itself still valid.
    const path = join(r.out, victim);
    const bytes = await Deno.readFile(path);
    const planted = new TextEncoder().encode(` ${name} `);
    const at = bytes.length - planted.length;
    bytes.set(planted, at);
    await Deno.writeFile(path, bytes);
    const v = await runCli(["verify", r.out, "--phi-list", r.phiList, "--json"]);
    assert.equal(v.code, 1);
    // One finding per phi-list line found (the whole name and each of its parts).
    const findings = JSON.parse(v.stdout).findings as { file: string; offset: number }[];
    assert.ok(findings.length >= 2, `${findings.length} findings`);
    assert.deepEqual(findings[0], {
      file: victim,
      offset: at + 1,
      check: "phi-string",
      message: "a --phi-list string",
    });
    for (const f of findings) {
      assert.equal(f.file, victim);
      assert.ok(f.offset > at && f.offset < bytes.length, `offset ${f.offset}`);
    }
    for (const part of name.split("^").filter((p) => p.length >= 3)) {
      assert.ok(!v.stdout.includes(part) && !v.stderr.includes(part), "no value printed");
    }
  });
});

Deno.test("verify reads an output ZIP and its manifest", async () => {
  await withTempDir(async (dir) => {
    const r = await anonymizeStudy(dir, [], "out.zip");
    const v = await verify(r, ["--phi-list", r.phiList]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal(v.json.dicomFiles, 4);
  });
});

Deno.test("verify refuses a bad command line with status 2", async () => {
  await withTempDir(async (dir) => {
    const cases: [string[], RegExp][] = [
      [["verify"], /expected OUT/],
      [["verify", dir, "--frobnicate"], /Unknown option/],
      [["verify", dir, "--key-file", join(dir, "k")], /need --manifest/],
      [["verify", dir, "--profile", "nonesuch"], /unknown profile/],
      [["verify", dir, "--option", "retain-uids"], /options need ps315-basic/],
      [["verify", dir, "--phi-list", join(dir, "missing.txt")], /cannot read --phi-list/],
      [["verify", join(dir, "missing")], /OUT not found/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, message);
    }
    const help = await runCli(["verify", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: main.ts verify OUT/);
  });
});

Deno.test("verify leaves its own inputs inside OUT alone, flags strays and shows progress", async () => {
  await withTempDir(async (dir) => {
    const r = await anonymizeStudy(dir);
    // The manifest and phi-list kept inside OUT are not outputs; a stray partial is one.
    const manifest = join(r.out, "audit", "manifest.jsonl");
    await Deno.mkdir(join(r.out, "audit"));
    await Deno.rename(r.manifest, manifest);
    await Deno.copyFile(r.phiList, join(r.out, "audit", "phi.txt"));
    const [first] = await dicomFiles(r.out);
    await Deno.copyFile(join(r.out, first), join(r.out, ".IM0001.dcm.partial-0a1b2c"));
    const v = await verify({ ...r, manifest, phiList: join(r.out, "audit", "phi.txt") }, [
      "--phi-list",
      join(r.out, "audit", "phi.txt"),
    ]);
    assert.deepEqual(v.found, ["extra-file .IM0001.dcm.partial-0a1b2c"]);
    // Without a manifest, a long run reports progress every 100 files on stderr.
    const many = join(dir, "many");
    await Deno.mkdir(many);
    for (let i = 0; i < 101; i++) await Deno.copyFile(join(r.out, first), join(many, `${i}.dcm`));
    const run = await runCli(["verify", many]);
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stderr, /^verify: 100\/101 files, 0 finding\(s\)$/m);
    assert.match(run.stderr, /101 file\(s\) read \(101 DICOM\)/);
  });
});
