/** Helpers of the batch route tests. */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { type TestServer, TOKEN } from "./_harness.ts";

/** Bearer header for the test token. */
export const AUTH: Record<string, string> = { authorization: `Bearer ${TOKEN}` };

/** Creates a batch (query string with its settings) and returns its id. */
export async function createBatch(t: TestServer, query = ""): Promise<string> {
  const res = await fetch(`${t.url}/api/batches${query}`, { method: "POST", headers: AUTH });
  assert.equal(res.status, 201);
  return (await res.json()).id;
}

/** PUTs one file into a batch under its relative path. */
export const put = (t: TestServer, id: string, path: string, body: BodyInit, headers = AUTH) =>
  fetch(`${t.url}/api/batches/${id}/files/${path.split("/").map(encodeURIComponent).join("/")}`, {
    method: "PUT",
    body,
    headers,
  });

/** Every file under `dir`, relative, sorted. */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
