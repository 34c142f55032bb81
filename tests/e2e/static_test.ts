/** `/static/*` and `/favicon.ico`: types, caching by ETag or content hash, no escape from static/. */
import assert from "node:assert/strict";
import { startTestServer } from "../http/_harness.ts";
import { ensureIslands } from "./_build.ts";

Deno.test("static files: ETag revalidation, immutable chunks, favicon, 404 outside static/", async () => {
  await ensureIslands();
  const files = Array.from(
    Deno.readDirSync(new URL("../../static/build/", import.meta.url)),
    (e) => e.name,
  );
  const t = await startTestServer();
  try {
    const css = await fetch(`${t.url}/static/app.css`);
    await css.body?.cancel();
    assert.equal(css.status, 200);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(css.headers.get("cache-control"), "no-cache");
    const etag = css.headers.get("etag")!;
    const again = await fetch(`${t.url}/static/app.css`, { headers: { "if-none-match": etag } });
    assert.equal(again.status, 304);

    const chunk = files.find((f) => f.startsWith("chunk-"))!;
    const js = await fetch(`${t.url}/static/build/${chunk}`);
    await js.body?.cancel();
    assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");

    const icon = await fetch(`${t.url}/favicon.ico`);
    assert.equal(icon.headers.get("content-type"), "image/svg+xml");
    assert.match(await icon.text(), /^<svg/);

    for (
      const path of [
        "/static/%2e%2e/deno.json",
        "/static/..%2Fdeno.json",
        "/static/nope.css",
        "/static/app",
      ]
    ) {
      const res = await fetch(`${t.url}${path}`);
      await res.body?.cancel();
      assert.equal(res.status, 404, path);
    }
  } finally {
    await t.dispose();
  }
});
