/**
 * `POST /upload` (the no-JS form) over HTTP: the answer equals the engine's output for the
 * same settings; CSRF, origin and settings problems come back as the page with a message.
 */
import assert from "node:assert/strict";
import { anonymizeLocally, login, startTestServer, type TestServer } from "../http/_harness.ts";

const CT = new URL("../fixtures/corpus/pydicom__CT_small.dcm", import.meta.url);

async function post(t: TestServer, form: FormData, headers: Record<string, string>) {
  const res = await fetch(`${t.url}/upload`, {
    method: "POST",
    body: form,
    headers,
    redirect: "manual",
  });
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
}

function form(fields: [string, string][], file?: [string, Uint8Array, string]): FormData {
  const f = new FormData();
  for (const [k, v] of fields) f.append(k, v);
  if (file) f.append(file[0], new Blob([file[1] as Uint8Array<ArrayBuffer>]), file[2]);
  return f;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("POST /upload streams back what the engine makes of the file", async () => {
  const t = await startTestServer();
  try {
    const { cookie, csrf } = await login(t.url);
    const ct = await Deno.readFile(CT);
    const fields: [string, string][] = [["csrf", csrf], ["profile", "ps315-basic"], [
      "rule_tag",
      "",
    ]];
    const { res, body } = await post(t, form(fields, ["file", ct, "CT small.dcm"]), { cookie });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/dicom");
    assert.match(res.headers.get("content-disposition")!, /filename="anonymized-CT small\.dcm"/);
    assert.deepEqual(body, anonymizeLocally(ct, { profile: "ps315-basic" }));
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /upload refuses a missing CSRF token, a foreign origin and no session", async () => {
  const t = await startTestServer();
  try {
    const { cookie, csrf } = await login(t.url);
    const ct = await Deno.readFile(CT);
    const noToken = await post(t, form([], ["file", ct, "a.dcm"]), { cookie });
    assert.equal(noToken.res.status, 403);
    assert.match(text(noToken.body), /The form has expired/);
    const wrong = await post(t, form([["csrf", "x".repeat(43)]], ["file", ct, "a.dcm"]), {
      cookie,
    });
    assert.equal(wrong.res.status, 403);
    const foreign = await post(t, form([["csrf", csrf]], ["file", ct, "a.dcm"]), {
      cookie,
      "sec-fetch-site": "cross-site",
    });
    assert.equal(foreign.res.status, 403);
    const anonymous = await post(t, form([["csrf", csrf]], ["file", ct, "a.dcm"]), {});
    assert.equal(anonymous.res.status, 303);
    assert.equal(anonymous.res.headers.get("location"), "/");
  } finally {
    await t.dispose();
  }
});

Deno.test("POST /upload explains refused settings, rules files and missing files", async () => {
  const t = await startTestServer();
  try {
    const { cookie, csrf } = await login(t.url);
    const ct = await Deno.readFile(CT);
    const badOption = await post(
      t,
      form([["csrf", csrf], ["profile", "dicomfields_2023"], ["option", "retain-uids"]], [
        "file",
        ct,
        "a.dcm",
      ]),
      { cookie },
    );
    assert.equal(badOption.res.status, 400);
    assert.match(
      text(badOption.body),
      /The upload was refused: Profile dicomfields_2023 has no options/,
    );
    const rules = new TextEncoder().encode("{ not json");
    const badRules = await post(
      t,
      withFile(form([["csrf", csrf]], ["dictionary", rules, "r.json"]), ct),
      { cookie },
    );
    assert.equal(badRules.res.status, 400);
    assert.match(text(badRules.body), /not valid JSON/);
    const good = new TextEncoder().encode('{"PatientSex": "keep"}');
    const ok = await post(t, withFile(form([["csrf", csrf]], ["dictionary", good, "r.json"]), ct), {
      cookie,
    });
    assert.equal(ok.res.status, 200);
    const none = await post(t, form([["csrf", csrf]]), { cookie });
    assert.equal(none.res.status, 400);
    assert.match(text(none.body), /Choose a DICOM file/);
  } finally {
    await t.dispose();
  }
});

function withFile(f: FormData, bytes: Uint8Array): FormData {
  f.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), "a.dcm");
  return f;
}
