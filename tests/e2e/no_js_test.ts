/**
 * With JavaScript off: sign-in works as a plain form, and one file can be anonymized through
 * the server-rendered form (`POST /upload`, streamed through busboy) and comes back as a
 * download; a non-DICOM file gets the form back with a plain message.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PASSWORD, startTestServer } from "../http/_harness.ts";
import { launch, newContext, shot, watchConsole } from "./_browser.ts";
import { a11yProblems } from "./_a11y.ts";
import { makeStudyFolder, phiCheck } from "./_study.ts";

// Chromium logs the refused attempts (401 page, 415 page) as failed loads.
const EXPECTED = [/status of (401|415) .*\/(login|upload)\)$/];

Deno.test("No JavaScript: sign in and anonymize one file with the form", async () => {
  const server = await startTestServer();
  const work = await Deno.makeTempDir({ prefix: "deid-e2e-nojs-" });
  const study = await makeStudyFolder(work);
  const browser = await launch();
  try {
    const context = await newContext(browser, { javaScript: false });
    const errors = watchConsole(context, EXPECTED);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Password").fill("not it");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong password" }).waitFor();
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Anonymize DICOM files" }).waitFor();
    assert.ok(!(await page.locator(".dropzone").isVisible()), "the drop zone needs JavaScript");
    assert.deepEqual(await a11yProblems(page), []);
    await shot(page, "7-anonymize-no-js");

    const rel = study.dicom.find((p) => p.includes("IM0001"))!;
    await page.getByLabel("De-identification profile").selectOption("ps315-basic");
    await page.getByLabel("DICOM file").setInputFiles(join(work, rel));
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Anonymize and download" }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), "anonymized-IM0001.dcm");
    const out = join(work, "out", rel.replace(/^study\//, ""));
    await file.saveAs(out);
    const bytes = await Deno.readFile(out);
    assert.equal(new TextDecoder().decode(bytes.subarray(128, 132)), "DICM");
    const check = await phiCheck(study.phiJson, join(work, "out"));
    assert.equal(check.code, 0, check.summary);
    assert.match(check.summary, /phi_check: 1 files, \d+ strings, 0 hits/);

    await page.getByLabel("DICOM file").setInputFiles(join(study.dir, "notes.txt"));
    await page.getByRole("button", { name: "Anonymize and download" }).click();
    await page.getByRole("alert").filter({ hasText: "not DICOM" }).waitFor();
    const profile = page.getByLabel("De-identification profile");
    assert.equal(await profile.inputValue(), "ps315-basic", "the refused form keeps its settings");
    await shot(page, "8-upload-refused-no-js");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(server.logs.filter((l) => /"level":"(warn|error)"/.test(l)), []);
  } finally {
    await browser.close();
    await server.dispose();
    await Deno.remove(work, { recursive: true });
  }
});
