/**
 * Previews in Chromium: anonymize a real CT slice through the UI, open its batch, and see the
 * lazy thumbnail load (Chromium decodes our PNG: naturalWidth > 0), then the large one in the
 * dialog; the alt text names the file by position only.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startTestServer } from "../http/_harness.ts";
import { a11yProblems } from "./_a11y.ts";
import { ensureIslands } from "./_build.ts";
import { launch, newContext, shot, signIn, watchConsole } from "./_browser.ts";
import { CORPUS } from "./_study.ts";

Deno.test("UI: an anonymized file's preview loads in the batch view and enlarges", async () => {
  await ensureIslands();
  const server = await startTestServer();
  const browser = await launch();
  try {
    const context = await newContext(browser);
    const errors = watchConsole(context);
    const page = await context.newPage();
    await signIn(page, server.url);
    await page.locator("[data-island=Anonymize][data-hydrated]").waitFor();
    await page.getByTestId("file-input").setInputFiles(join(CORPUS, "pydicom__CT_small.dcm"));
    await page.locator("li.file[data-state=done]").waitFor();
    await page.getByRole("link", { name: /^Open batch / }).click();
    await page.locator("[data-island=BatchView][data-hydrated]").waitFor();

    const thumb = page.getByRole("img", { name: "Preview of file 1" });
    await thumb.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>(".file .preview img");
      return img?.complete && img.naturalWidth > 0;
    });
    // CT_small is 128 × 128: the PNG is the image's own size.
    assert.deepEqual(
      await thumb.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]),
      [128, 128],
    );
    assert.equal(await thumb.getAttribute("loading"), "lazy");
    assert.doesNotMatch((await thumb.getAttribute("alt"))!, /CT_small/);
    assert.deepEqual(await a11yProblems(page), []);

    await page.getByRole("link", { name: "Enlarge preview of file 1" }).click();
    const large = page.getByRole("img", { name: "Large preview of file 1" });
    await large.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("dialog img");
      return img?.complete && img.naturalWidth === 128;
    });
    await shot(page, "preview-dialog");
    await page.getByRole("button", { name: "Close" }).click();
    await large.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.dispose();
  }
});
