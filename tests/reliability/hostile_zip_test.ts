/**
 * Hostile archives, built byte by byte (./_zip.ts), through `POST /api/anonymize` with
 * `Content-Type: application/zip` and through the CLI's ZIP input: zip-slip names, symlink
 * entries, duplicate names, zip bombs (size and ratio), many tiny entries, and central
 * directories that lie about sizes. Each must be refused or handled with a clear error, in
 * bounded time, with nothing written outside the output.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { startTestServer } from "../http/_harness.ts";
import { AUTH } from "../http/_batches.ts";
import { buildZip, type RawEntry } from "./_zip.ts";
import { dataFiles, files, runCli, send, text } from "./_util.ts";

const CT = await Deno.readFile(
  new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url),
);
const LINK = new TextEncoder().encode("/etc/passwd");
const GIB = 1024 ** 3;
// Where an absolute entry name would land if anyone honoured it (its folder does not exist).
const ESCAPE_DIR = join("/tmp", `deid-escape-${crypto.randomUUID()}`);
const ESCAPE = join(ESCAPE_DIR, "evil.dcm");
const escaped = () => Deno.stat(ESCAPE_DIR).then(() => true, () => false);

/** The hostile archives; `limit` ones need a small MAX_UPLOAD_BYTES to be bombs. */
const ZIPS: Record<string, RawEntry[]> = {
  dotdot: [{ name: "ok/ct.dcm", data: CT }, { name: "../evil.dcm", data: CT }],
  absolute: [{ name: ESCAPE, data: CT }],
  backslash: [{ name: "..\\..\\evil.dcm", data: CT }],
  localNameSlip: [{ name: "ok/ct.dcm", localName: "../../evil.dcm", data: CT }],
  symlink: [{ name: "ok/link.dcm", data: LINK, unixMode: 0o120777 }, {
    name: "ok/ct.dcm",
    data: CT,
  }],
  duplicate: [{ name: "ok/ct.dcm", data: CT }, { name: "ok/ct.dcm", data: CT }],
  // 24 MiB of zeros in ~24 KiB, declared honestly: past an 8 MiB limit.
  bombDeclared: [{ name: "zeros.dcm", data: new Uint8Array(24 << 20), method: 8 }],
  // The same, declaring 1000 bytes in both headers: caught while inflating.
  bombLying: [{
    name: "zeros.dcm",
    data: new Uint8Array(24 << 20),
    method: 8,
    cdUncompressedSize: 1000,
    sameLieInLocal: true,
  }],
  // 1.5 GiB declared for ~1 KiB stored: refused on the ratio before a byte is inflated.
  bombRatio: [{
    name: "zeros.dcm",
    data: new Uint8Array(1 << 20),
    method: 8,
    cdUncompressedSize: 1.5 * GIB,
    sameLieInLocal: true,
  }],
  // Central directory sizes that disagree with the local header.
  cdTooSmall: [{ name: "a.dcm", data: CT, cdCompressedSize: 1000, cdUncompressedSize: 1000 }],
  cdTooBig: [
    {
      name: "a.dcm",
      data: CT,
      cdCompressedSize: CT.length + 99,
      cdUncompressedSize: CT.length + 99,
    },
    { name: "b.dcm", data: CT },
  ],
  cdDeflateSize: [{ name: "a.dcm", data: CT, method: 8, cdUncompressedSize: CT.length - 100 }],
  // Both headers agree on a stored size larger than the data: the entry runs into the next.
  bothTooBig: [
    {
      name: "a.dcm",
      data: CT,
      cdCompressedSize: CT.length + 99,
      cdUncompressedSize: CT.length + 99,
      sameLieInLocal: true,
    },
    { name: "b.dcm", data: CT },
  ],
};

/** 20,000 one-byte entries in 100 folders (the soak runs 100,000). */
const TINY = 20_000;
const tinyEntries = () =>
  Array.from({ length: TINY }, (_, i) => ({
    name: `d${i % 100}/f${i}.bin`,
    data: new Uint8Array([i & 0xff]),
  }));

Deno.test("POST /api/anonymize refuses or contains every hostile ZIP", async () => {
  const small = await startTestServer({ env: { MAX_UPLOAD_BYTES: String(8 << 20) } });
  const big = await startTestServer(); // default limits: 4 GiB per upload
  try {
    const post = async (name: string, server = small) => {
      const zip = name === "tiny" ? buildZip(tinyEntries()) : buildZip(ZIPS[name]);
      const a = await send(`${server.url}/api/anonymize`, "POST", {
        ...AUTH,
        "content-type": "application/zip",
      }, zip);
      const isJson = String(a.headers["content-type"]).startsWith("application/json");
      return { ...a, json: isJson ? JSON.parse(text(a)) : undefined };
    };
    const refused = async (name: string, status: number, error: RegExp, server = small) => {
      const a = await post(name, server);
      assert.equal(a.status, status, `${name}: ${text(a).slice(0, 200)}`);
      assert.match(a.json.error, error, name);
    };
    await refused("dotdot", 400, /Unsafe path: ZIP entry name escapes the archive/);
    await refused("absolute", 400, /Unsafe path/);
    await refused("backslash", 400, /Unsafe path/);
    await refused("localNameSlip", 422, /Not a readable ZIP archive: Ambiguous archive/);
    await refused("duplicate", 422, /Not a readable ZIP archive: Ambiguous archive/);
    await refused("bombDeclared", 413, /ZIP content exceeds the limit of 8388608 bytes/);
    await refused("bombLying", 413, /ZIP entry exceeds the limit of 1000 bytes/);
    await refused("bombRatio", 413, /ZIP compression ratio exceeds the limit of 100 to 1/, big);
    await refused("cdTooSmall", 422, /Not a readable ZIP archive/);
    await refused("cdTooBig", 422, /Not a readable ZIP archive/);
    await refused("cdDeflateSize", 422, /Not a readable ZIP archive/);
    await refused("tiny", 413, /ZIP entry count exceeds the limit of 10000 entries/);
    // A symlink entry is never read as a file: the rest goes through, the link is reported.
    const linked = await post("symlink");
    assert.equal(linked.status, 200);
    const out = unzipSync(linked.body);
    assert.deepEqual(Object.keys(out).sort(), ["deid-report.json", "ok/ct.dcm"]);
    const report = JSON.parse(new TextDecoder().decode(out["deid-report.json"]));
    assert.deepEqual(report.skipped, [{
      name: "ok/link.dcm",
      error: "Symbolic link entry; not read",
    }]);
    // Consistent lies: the first entry eats the next one's header and fails as DICOM. Its
    // output had begun, so the connection is broken rather than a truncated "success".
    const ran = await post("bothTooBig");
    assert.ok(ran.broken || ran.status === 422, `bothTooBig: ${ran.status}`);
    // Nothing stayed on disk, nothing escaped, and the server still answers.
    assert.deepEqual(dataFiles(small.dir), []);
    assert.deepEqual(dataFiles(big.dir), []);
    assert.equal(await escaped(), false);
    const fine = await send(`${small.url}/api/anonymize`, "POST", AUTH, CT);
    assert.equal(fine.status, 200);
  } finally {
    await small.dispose();
    await big.dispose();
  }
});

Deno.test("anonymize refuses or contains every hostile input ZIP", async () => {
  const root = await Deno.makeTempDir({ prefix: "deid-hostile-cli-" });
  try {
    const run = async (name: string, extra: string[] = []) => {
      const zip = join(root, `${name}.zip`);
      await Deno.writeFile(zip, name === "tiny" ? buildZip(tinyEntries()) : buildZip(ZIPS[name]));
      const out = join(root, `out-${name}`);
      const r = await runCli([zip, out, "--json", "--quiet", ...extra], { timeoutMs: 60_000 });
      const summary = r.code === 2 || r.stdout === "" ? undefined : JSON.parse(r.stdout);
      return { ...r, out, outFiles: files(out), summary };
    };
    const cases = {
      dotdot: run("dotdot"),
      absolute: run("absolute"),
      backslash: run("backslash"),
      duplicate: run("duplicate"),
      bombRatio: run("bombRatio"),
      bombLying: run("bombLying"),
      localNameSlip: run("localNameSlip"),
      symlink: run("symlink", ["--copy-non-dicom"]),
      cdTooSmall: run("cdTooSmall"),
      cdTooBig: run("cdTooBig"),
      cdDeflateSize: run("cdDeflateSize"),
      bothTooBig: run("bothTooBig"),
    };
    const r = Object.fromEntries(
      await Promise.all(Object.entries(cases).map(async ([k, p]) => [k, await p])),
    );
    // Refused as a whole, before anything is written.
    for (
      const [name, why] of [
        ["dotdot", /an entry has an unsafe name \(absolute or \.\.\); archive refused/],
        ["absolute", /unsafe name/],
        ["backslash", /unsafe name/],
        ["duplicate", /entry #2 has a duplicate name; archive refused/],
        ["bombRatio", /compression ratio over 100:1 \(a zip bomb\?\); archive refused/],
      ] as const
    ) {
      assert.equal(r[name].code, 1, `${name}: ${r[name].stderr}`);
      assert.match(r[name].stderr, why, name);
      assert.deepEqual(r[name].outFiles, [], name);
    }
    // The one bad entry fails with a clear message; no output file, no hang.
    for (
      const [name, why] of [
        ["bombLying", /zeros\.dcm: entry inflates past its declared size \(a zip bomb\?\)/],
        ["cdTooSmall", /a\.dcm: unreadable ZIP entry: Ambiguous archive/],
        ["cdTooBig", /a\.dcm: unreadable ZIP entry: Ambiguous archive/],
        ["cdDeflateSize", /a\.dcm: unreadable ZIP entry: Ambiguous archive/],
        ["bothTooBig", /a\.dcm: Truncated value/],
      ] as const
    ) {
      assert.equal(r[name].code, 1, `${name}: ${r[name].stderr}`);
      assert.match(r[name].stderr, why, name);
      assert.ok(!r[name].outFiles.includes("a.dcm") && !r[name].outFiles.includes("zeros.dcm"));
    }
    assert.deepEqual(r.cdTooBig.outFiles, ["b.dcm"], "the honest entry still comes out");
    // Only the central directory name is used; the local header's "../../evil.dcm" is not.
    assert.equal(r.localNameSlip.code, 0, r.localNameSlip.stderr);
    assert.deepEqual(r.localNameSlip.outFiles, ["ok/ct.dcm"]);
    // A symlink entry's bytes are data: even copied, it is a plain file, never a link.
    assert.equal(r.symlink.code, 0, r.symlink.stderr);
    assert.deepEqual(r.symlink.outFiles, ["ok/ct.dcm", "ok/link.dcm"]);
    assert.ok((await Deno.lstat(join(r.symlink.out, "ok/link.dcm"))).isFile);
    // Nothing anywhere but the inputs and the output folders; nothing at the absolute name.
    const stray = files(root).filter((f) => !/^[^/]+\.zip$/.test(f) && !f.startsWith("out-"));
    assert.deepEqual(stray, []);
    assert.equal(await escaped(), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test(`anonymize handles a ZIP of ${TINY} tiny entries in bounded time`, async () => {
  const root = await Deno.makeTempDir({ prefix: "deid-tiny-cli-" });
  try {
    const zip = join(root, "tiny.zip");
    await Deno.writeFile(zip, buildZip(tinyEntries()));
    const start = performance.now();
    // One job: each worker would list the archive again (~8 KB per zip.js entry).
    const r = await runCli([zip, join(root, "out"), "--json", "--quiet", "--jobs", "1"], {
      timeoutMs: 60_000,
    });
    const seconds = (performance.now() - start) / 1000;
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.totals?.files ?? summary.files, TINY);
    assert.deepEqual(files(join(root, "out")), [], "not DICOM: nothing written");
    console.log(`${TINY} entries in ${seconds.toFixed(1)} s`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
