import assert from "node:assert/strict";
import { join } from "node:path";
import { corpusPath } from "../../tests/support/manifest.ts";
import { type RenderOptions } from "./render.ts";
import { PreviewRunner, type RenderOutcome } from "./runner.ts";
import { outputVersion, type PreviewRequest, PreviewService } from "./service.ts";

/** A real runner that counts the renderings it was asked for. */
class CountingRunner extends PreviewRunner {
  calls = 0;
  override render(path: string, options: Omit<RenderOptions, "deadline">): Promise<RenderOutcome> {
    this.calls++;
    return super.render(path, options);
  }
}

async function request(dir: string, output: string): Promise<PreviewRequest> {
  return {
    batchDir: dir,
    path: "a/b.dcm",
    version: await outputVersion(output),
    output,
    size: "thumb",
  };
}

Deno.test("PreviewService get() renders once for concurrent and later requests", async () => {
  const dir = await Deno.makeTempDir({ prefix: "previews-" });
  const runner = new CountingRunner();
  const service = new PreviewService(runner);
  try {
    const req = await request(dir, corpusPath("pydicom__CT_small.dcm"));
    const [a, b] = await Promise.all([service.get(req), service.get(req)]);
    const c = await service.get(req);
    assert.equal(runner.calls, 1);
    assert.equal(a.kind, "png");
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
    assert.deepEqual([...Deno.readDirSync(join(dir, "previews"))].map((e) => e.name), [
      `${a.etag}.png`,
    ]);
    // A reason is stored too, and read back as such.
    const sr = await request(dir, corpusPath("pydicom__rtplan.dcm"));
    const none = await service.get({ ...sr, path: "plan.dcm" });
    assert.deepEqual(await service.get({ ...sr, path: "plan.dcm" }), none);
    assert.equal(runner.calls, 2);
    assert.deepEqual(none, { kind: "none", reason: "no Pixel Data (7FE0,0010)", etag: none.etag });
  } finally {
    service.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PreviewService get() keeps no time-out and logs nothing for a deleted file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "previews-" });
  const fifo = join(dir, "stuck.dcm");
  assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
  const runner = new CountingRunner({ timeoutMs: 300 });
  const service = new PreviewService(runner);
  try {
    const stuck = await service.get({
      batchDir: dir,
      path: "s",
      version: "1",
      output: fifo,
      size: "thumb",
    });
    assert.deepEqual(stuck, { kind: "none", reason: "rendering took longer than 0.3 s" });
    const gone = join(dir, "gone.dcm");
    const missing = await service.get({
      batchDir: dir,
      path: "g",
      version: "1",
      output: gone,
      size: "thumb",
    });
    assert.deepEqual(missing, { kind: "none", reason: "the file is no longer stored" });
    assert.equal(await Deno.stat(join(dir, "previews")).catch(() => null), null);
  } finally {
    service.close();
    (await Deno.open(fifo, { write: true })).close();
    await Deno.remove(dir, { recursive: true });
  }
});
