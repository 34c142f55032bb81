/**
 * Uploads through the Hono routes stream with bounded server memory: a 384 MiB `PUT` to a
 * batch and the same file through the no-JavaScript form. Before routes/raw_body.ts the Web
 * body of @hono/node-server read the socket without back-pressure, and a 1 GiB PUT raised the
 * server's peak RSS to 1.19 GB.
 */
import assert from "node:assert/strict";
import { BEARER, PASSWORD, spawnServe } from "./_util.ts";

const CT_SMALL = new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url);
/** Where CT_small's (7FE0,0010) OW header starts: the header before it is kept as it is. */
const PIXEL_DATA_AT = 6288;
const PIXEL_BYTES = 384 * 1024 * 1024;
/** The server may grow by this much over its idle peak (the upload is 3× larger). */
const MAX_GROWTH_MB = 160;

/** CT_small's header, then a 384 MiB Pixel Data value made on the fly, in 1 MiB chunks. */
function bigDicom(prefix: Uint8Array, suffix = new Uint8Array(0)): ReadableStream<Uint8Array> {
  const header = new Uint8Array(12);
  header.set([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57]); // (7FE0,0010) OW, 2 reserved bytes
  new DataView(header.buffer).setUint32(8, PIXEL_BYTES, true);
  let sent = 0;
  const chunk = new Uint8Array(1024 * 1024).map((_, i) => i * 31);
  return new ReadableStream({
    start(c) {
      c.enqueue(prefix);
      c.enqueue(header);
    },
    pull(c) {
      if (sent === PIXEL_BYTES) {
        if (suffix.length) c.enqueue(suffix);
        return c.close();
      }
      c.enqueue(chunk.slice());
      sent += chunk.length;
    },
  });
}

function peakRssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
}

Deno.test("PUT /api/batches/:id/files/* and POST /upload stream 384 MiB in bounded memory", async () => {
  const data = await Deno.makeTempDir({ prefix: "deid-upload-mem-" });
  const server = await spawnServe(data, {}, ["--v8-flags=--max-semi-space-size=2"]);
  try {
    const head = (await Deno.readFile(CT_SMALL)).subarray(0, PIXEL_DATA_AT);
    const idle = peakRssMb(server.pid);

    const batch = await (await fetch(`${server.url}/api/batches`, {
      method: "POST",
      headers: BEARER,
    })).json();
    const put = await fetch(`${server.url}/api/batches/${batch.id}/files/big.dcm`, {
      method: "PUT",
      headers: BEARER,
      body: bigDicom(head),
    });
    const record = await put.json();
    assert.equal(put.status, 201, JSON.stringify(record));
    assert.equal(record.file.bytesIn, PIXEL_DATA_AT + 12 + PIXEL_BYTES);
    const afterPut = peakRssMb(server.pid);
    assert.ok(afterPut - idle < MAX_GROWTH_MB, `PUT: peak RSS ${idle} → ${afterPut} MB`);

    // The same bytes as a multipart form file, with a session and its CSRF token first.
    const login = await fetch(`${server.url}/login`, {
      method: "POST",
      body: new URLSearchParams({ password: PASSWORD }),
      redirect: "manual",
    });
    await login.body?.cancel();
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const { csrf } = await (await fetch(`${server.url}/api/session`, { headers: { cookie } }))
      .json();
    const boundary = "deidmemorytestboundary";
    const text = (s: string) => new TextEncoder().encode(s.replaceAll("\n", "\r\n"));
    const formHead = text(
      `--${boundary}\nContent-Disposition: form-data; name="csrf"\n\n${csrf}\n` +
        `--${boundary}\nContent-Disposition: form-data; name="file"; filename="big.dcm"\n` +
        `Content-Type: application/dicom\n\n`,
    );
    const prefix = new Uint8Array(formHead.length + head.length);
    prefix.set(formHead);
    prefix.set(head, formHead.length);
    const form = await fetch(`${server.url}/upload`, {
      method: "POST",
      headers: {
        cookie,
        origin: server.url,
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      body: bigDicom(prefix, text(`\n--${boundary}--\n`)),
    });
    assert.equal(form.status, 200);
    let received = 0;
    for await (const c of form.body!) received += c.length;
    assert.ok(received > PIXEL_BYTES, `${received} bytes came back`);
    const afterForm = peakRssMb(server.pid);
    assert.ok(afterForm - idle < MAX_GROWTH_MB, `form: peak RSS ${idle} → ${afterForm} MB`);
  } finally {
    await server.stop();
    await Deno.remove(data, { recursive: true });
  }
});
