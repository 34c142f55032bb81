import assert from "node:assert/strict";
import { request } from "node:http";
import { login, startTestServer, type TestServer, TOKEN } from "./_harness.ts";
import { upload } from "./_client.ts";
import { AUTH, tree } from "./_batches.ts";
import {
  BOUNDARY,
  corpus,
  counts,
  type Dataset,
  items,
  multipart,
  type Part,
  STOW_HEADERS,
  value,
} from "./_stow.ts";

const enc = new TextEncoder();

/** POSTs `body` with `headers` replacing the STOW defaults; returns status, headers, text. */
async function post(t: TestServer, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}/dicomweb/studies`, {
    method: "POST",
    body,
    headers: { ...STOW_HEADERS, ...headers },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Outputs and temp files of a batch (other records, e.g. manifests, are not this route's). */
const stored = (t: TestServer, id: string) =>
  tree(`${t.dir}/batches/${id}`).filter((f) => /^(files|\.tmp)\//.test(f));

/** The live batches (none may be left by a refused request). */
async function batchCount(t: TestServer): Promise<number> {
  return (await (await fetch(`${t.url}/api/batches`, { headers: AUTH })).json()).batches.length;
}

Deno.test("POST /dicomweb/studies refuses bad headers, settings and methods, making no batch", async () => {
  const t = await startTestServer();
  try {
    const body = multipart([{ body: await corpus("pydicom__CT_small.dcm") }]);
    const cases: [Record<string, string>, number][] = [
      [{ "content-type": "application/dicom" }, 415],
      [{ "content-type": `multipart/related; type="application/dicom+json"; boundary=x` }, 415],
      [{ "content-type": "multipart/form-data; boundary=x" }, 415],
      [{ "content-type": `multipart/related; type="application/dicom"` }, 400], // no boundary
      [{ "content-type": `multipart/related; boundary="${"x".repeat(71)}"` }, 400],
      [{ accept: "application/dicom+xml" }, 406],
      [{ authorization: "" }, 401],
      [{ authorization: `Bearer ${TOKEN}x` }, 401],
    ];
    for (const [headers, status] of cases) {
      const r = await post(t, body, headers);
      assert.equal(r.status, status, JSON.stringify(headers));
    }
    assert.equal((await post(t, body)).status, 200, "the same body is fine with the right headers");
    const query = await fetch(`${t.url}/dicomweb/studies?profile=nonsense`, {
      method: "POST",
      body,
      headers: STOW_HEADERS,
    });
    assert.equal(query.status, 400, "settings are checked like POST /api/batches");
    await query.body?.cancel();
    for (
      const [method, path, status] of [["GET", "/dicomweb/studies", 405], [
        "POST",
        "/dicomweb/x",
        404,
      ]]
    ) {
      const r = await fetch(`${t.url}${path}`, { method: method as string, headers: AUTH });
      assert.equal(r.status, status, `${method} ${path}`);
      await r.body?.cancel();
    }
    assert.equal(await batchCount(t), 1, "only the accepted request made a batch");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies takes a session with its CSRF header and lists the batch for it", async () => {
  const t = await startTestServer();
  try {
    const { cookie, csrf } = await login(t.url);
    const body = multipart([{ body: await corpus("pydicom__CT_small.dcm") }]);
    const session = { authorization: "", cookie, "sec-fetch-site": "same-origin" };
    assert.equal((await post(t, body, session)).status, 403);
    const ok = await post(t, body, { ...session, "x-csrf-token": csrf });
    assert.equal(ok.status, 200);
    // The new batch is on the signed-in user's batch screen.
    const id = (value(JSON.parse(ok.text), "00081190") as string).split("/").at(-2)!;
    const page = await fetch(`${t.url}/batches`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.ok((await page.text()).includes(id), "listed on /batches");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies answers 400 for a body cut before its final boundary", async () => {
  const t = await startTestServer();
  try {
    const mr = await corpus("pydicom__MR_small_implicit.dcm");
    const body = multipart([
      { body: await corpus("pydicom__CT_small.dcm") },
      { body: mr.subarray(0, 5000) },
    ], { close: false });
    const r = await upload(`${t.url}/dicomweb/studies`, body, {
      chunkSize: 4096,
      headers: STOW_HEADERS,
    });
    assert.equal(r.status, 400);
    assert.match(String(r.headers.warning), /^299 deid ".*truncated request\)"$/);
    const json = JSON.parse(new TextDecoder().decode(r.body)) as Dataset;
    assert.equal(items(json, "00081199").length, 1, "the complete part is stored");
    assert.deepEqual(items(json, "00081198").map((f) => value(f, "00081197")), [0xc000]);
    const id = (value(json, "00081190") as string).split("/").at(-2);
    const batch = await (await fetch(`${t.url}/api/batches/${id}`, { headers: AUTH })).json();
    assert.deepEqual(counts(batch), {
      processing: 0,
      done: 1,
      rejected: 0,
      "held-back": 0,
      failed: 0,
    });
    assert.deepEqual(stored(t, id!), ["files/00001.dcm"], "no temp file left");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies fails a part over MAX_UPLOAD_BYTES with A700, stores the rest", async () => {
  const t = await startTestServer({ env: { MAX_UPLOAD_BYTES: "60000" } });
  try {
    const big = await corpus("fodicom__multiframe.dcm"); // 564 KB
    const ct = await corpus("pydicom__CT_small.dcm"); // 39 KB
    const parts: Part[] = [
      { body: big }, // found too large while it streams
      { body: ct },
      { body: big, headers: [`Content-Length: ${big.length}`] }, // refused unread
      { body: ct },
    ];
    const r = await post(t, multipart(parts));
    assert.equal(r.status, 202);
    const json = JSON.parse(r.text) as Dataset;
    assert.equal(items(json, "00081199").length, 2);
    const failed = items(json, "00081198");
    assert.deepEqual(failed.map((f) => value(f, "00081197")), [0xa700, 0xa700]);
    assert.match(String(value(failed[0], "00081155")), /^2\.25\.\d+$/, "read far enough to name");
    const id = (value(json, "00081190") as string).split("/").at(-2);
    assert.deepEqual(stored(t, id!), ["files/00002.dcm", "files/00004.dcm"]);
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies stops at 20,000 parts (413) and at an overlong header (400)", async () => {
  const t = await startTestServer();
  try {
    const one = enc.encode(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n`);
    const body = new Uint8Array(one.length * 20_001 + 100);
    for (let i = 0; i < 20_001; i++) body.set(one, i * one.length);
    body.set(enc.encode(`--${BOUNDARY}--`), one.length * 20_001);
    const many = await post(t, body);
    assert.equal(many.status, 413);
    assert.match(many.headers.get("warning") ?? "", /exceeds the limit of 20000 parts/);
    assert.equal(items(JSON.parse(many.text), "00081198").length, 20_000);

    const long = enc.encode(`--${BOUNDARY}\r\nX-Junk: ${"j".repeat(100_000)}\r\n\r\n`);
    const r = await post(t, long);
    assert.equal(r.status, 400);
    assert.match(r.headers.get("warning") ?? "", /header line is longer than 8192 bytes/);
    const empty = await post(t, enc.encode(`--${BOUNDARY}--\r\n`));
    assert.equal(empty.status, 400);
    assert.match(empty.headers.get("warning") ?? "", /no parts/);
    assert.equal(await batchCount(t), 0, "requests that stored nothing leave no batch");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /dicomweb/studies keeps the parts before a client hang-up and no partial one", async () => {
  const t = await startTestServer();
  try {
    const body = multipart([
      { body: await corpus("pydicom__CT_small.dcm") },
      { body: await corpus("fodicom__multiframe.dcm") },
    ]);
    const cut = body.length - 300_000; // inside the second part
    await new Promise<void>((resolve) => {
      const req = request(`${t.url}/dicomweb/studies`, {
        method: "POST",
        headers: { ...STOW_HEADERS, "content-length": String(body.length) },
        agent: false,
      });
      req.on("error", () => resolve());
      req.write(body.subarray(0, cut), () => setTimeout(() => (req.destroy(), resolve()), 300));
    });
    let batch;
    for (let i = 0; i < 50; i++) { // the server notices the hang-up on its own time
      const { batches } = await (await fetch(`${t.url}/api/batches`, { headers: AUTH })).json();
      batch = batches[0] &&
        await (await fetch(`${t.url}/api/batches/${batches[0].id}`, { headers: AUTH })).json();
      if (batch && batch.counts.processing === 0 && t.logs.some((l) => l.includes("dicomweb"))) {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(counts(batch), {
      processing: 0,
      done: 1,
      rejected: 0,
      "held-back": 0,
      failed: 0,
    });
    assert.deepEqual(stored(t, batch.id), ["files/00001.dcm"], "no temp file left");
    const line = JSON.parse(t.logs.find((l) => l.includes('"route":"/dicomweb/studies"'))!);
    assert.equal(line.error, "ClientAborted");
    assert.ok(
      !t.logs.some((l) => l.includes('"level":"error"')),
      "a hang-up is not a server error",
    );
  } finally {
    await t.dispose();
  }
});
