/**
 * The admin's crosswalk screen in Chromium: found through the navigation, passphrase typed
 * twice, the encrypted file downloaded, and it opens with that passphrase. Without JavaScript
 * too: the screen is a plain form.
 */
import assert from "node:assert/strict";
import { decryptCrosswalk } from "../../core/pseudonyms/crosswalk_crypto.ts";
import { SequentialPseudonyms } from "../../core/pseudonyms/sequential.ts";
import { KEY, startTestServer } from "../http/_harness.ts";
import { launch, newContext, shot, signIn, watchConsole } from "./_browser.ts";
import { a11yProblems } from "./_a11y.ts";

const PASS = "correct horse battery staple";

Deno.test("UI: the admin downloads the encrypted crosswalk from the Crosswalk screen", async () => {
  const server = await startTestServer({ env: { CROSSWALK_ENABLED: "true" } });
  const seq = new SequentialPseudonyms({
    kv: server.kv,
    key: KEY,
    prefix: "UI",
    keepOriginals: true,
  });
  await seq.pseudonymOf("PatientID", "MRN-4711");
  const browser = await launch();
  try {
    for (const javaScript of [true, false]) {
      const context = await newContext(browser, { javaScript });
      const errors = watchConsole(context, [/status of 400 .*\/admin\/crosswalk\/export\)$/]);
      const page = await context.newPage();
      if (javaScript) await signIn(page, server.url);
      else {
        await page.goto(`${server.url}/`);
        await page.getByLabel("Password").fill("correct horse battery");
        await page.getByRole("button", { name: "Sign in" }).click();
      }
      await page.getByRole("link", { name: "Crosswalk" }).click();
      await page.getByRole("heading", { name: "Pseudonym crosswalk" }).waitFor();
      assert.deepEqual(await a11yProblems(page), []);
      if (javaScript) await shot(page, "8-crosswalk");

      await page.getByLabel("Passphrase (at least 12 characters)").fill(PASS);
      await page.getByLabel("Passphrase again").fill(PASS + "?");
      await page.getByRole("button", { name: "Download encrypted crosswalk" }).click();
      await page.getByRole("alert").filter({ hasText: "The two passphrases differ" }).waitFor();

      await page.getByLabel("Passphrase (at least 12 characters)").fill(PASS);
      await page.getByLabel("Passphrase again").fill(PASS);
      const download = page.waitForEvent("download");
      await page.getByRole("button", { name: "Download encrypted crosswalk" }).click();
      const file = await download;
      assert.match(file.suggestedFilename(), /^crosswalk-\d{8}\.csv\.enc$/);
      const bytes = await Deno.readFile((await file.path())!);
      const csv = new TextDecoder().decode(await decryptCrosswalk(bytes, PASS));
      assert.equal(csv, "attribute,original,pseudonym\r\nPatientID,MRN-4711,UI-000001\r\n");
      await context.close();
      assert.deepEqual(errors, []);
    }
  } finally {
    await browser.close();
    await server.dispose();
  }
});
