/**
 * The whole browser flow in Chromium against a real server: sign in, add a file by keyboard,
 * add a folder through the webkitdirectory picker, watch every file finish, download the ZIP
 * (phi_check finds no planted PHI) and one file, open and delete the batch, sign out.
 */
import { matchScrubbed } from "../support/scrubbed.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startTestServer } from "../http/_harness.ts";
import { ensureIslands } from "./_build.ts";
import { launch, newContext, shot, signIn, watchConsole } from "./_browser.ts";
import { a11yProblems } from "./_a11y.ts";
import { CORPUS, makeStudyFolder, phiCheck, unzip } from "./_study.ts";

// Chromium logs every 4xx answer: the note is refused on purpose (415, "skipped") and the
// truncated file fails (422, "failed"), a bad rule is refused (400).
const EXPECTED = [/status of (415|422) .*\/api\/batches\//, /status of 400 .*\/api\/batches\?/];
const DOCS_SHOT = new URL("../../docs/screenshot.png", import.meta.url).pathname;

Deno.test("UI: sign in, anonymize a folder, download ZIP and file, delete, sign out", async (t) => {
  await ensureIslands();
  const server = await startTestServer();
  const work = await Deno.makeTempDir({ prefix: "deid-e2e-" });
  const study = await makeStudyFolder(work);
  const browser = await launch();
  try {
    const context = await newContext(browser);
    const errors = watchConsole(context, EXPECTED);
    const page = await context.newPage();

    await t.step("sign in", async () => {
      await page.goto(`${server.url}/`);
      await shot(page, "1-login");
      assert.deepEqual(await a11yProblems(page), []);
      await signIn(page, server.url);
      await page.locator("[data-island=Anonymize][data-hydrated]").waitFor();
      assert.deepEqual(await a11yProblems(page), []);
    });

    await t.step("the server validates the settings; choose the ps315-basic profile", async () => {
      await page.getByLabel("Tag", { exact: true }).fill("(00zz,0010)");
      await page.getByRole("button", { name: "Check settings" }).click();
      await page.getByRole("alert").filter({ hasText: /Tag spec "\(00zz,0010\)"/ }).waitFor();
      await page.getByLabel("Tag", { exact: true }).fill("");
      await page.getByLabel("De-identification profile").selectOption("ps315-basic");
      await page.getByRole("button", { name: "Check settings" }).click();
      await page.getByText("Settings accepted by the server.").waitFor();
    });

    await t.step("keyboard only: Tab to the drop zone, Enter opens the file picker", async () => {
      // Listen first: Playwright turns file chooser interception on asynchronously.
      const chooser = page.waitForEvent("filechooser");
      await page.locator("body").focus();
      let tabs = 0;
      while (!(await page.evaluate(() => document.activeElement?.classList.contains("dropzone")))) {
        await page.keyboard.press("Tab");
        assert.ok(++tabs < 15, "the drop zone is reachable with Tab");
      }
      const outline = await page.evaluate(() =>
        getComputedStyle(document.activeElement!).outlineStyle
      );
      assert.notEqual(outline, "none", "the focused drop zone shows a focus ring");
      await page.keyboard.press("Enter");
      await (await chooser).setFiles(join(CORPUS, "pydicom__CT_small.dcm"));
      await page.locator("li.file[data-state=done]").first().waitFor();
    });

    await t.step("add a folder; every file ends done or skipped", async () => {
      await page.getByTestId("folder-input").setInputFiles(study.dir);
      const total = 1 + study.dicom.length + study.other.length;
      await page.getByTestId("summary").filter({ hasText: `All ${total} files handled` })
        .waitFor({ timeout: 20_000 });
      const states = await page.locator("li.file").evaluateAll((rows) =>
        rows.map((r) => [r.querySelector(".path")!.textContent, r.getAttribute("data-state")])
      );
      for (const p of study.dicom) assert.deepEqual(states.find(([x]) => x === p), [p, "done"]);
      for (const p of study.other) assert.deepEqual(states.find(([x]) => x === p), [p, "skipped"]);
      await page.getByText("Not a DICOM file").first().waitFor();
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await shot(page, "2-anonymize");
      // The README's screenshot is refreshed on request only, so a test run leaves the tree clean.
      if (Deno.env.get("UPDATE_SCREENSHOT") === "1") await page.screenshot({ path: DOCS_SHOT });
    });

    let zipped = new Map<string, string[]>();
    await t.step("download the ZIP: no planted PHI left", async () => {
      const download = page.waitForEvent("download");
      await page.getByRole("link", { name: "Download all as ZIP" }).click();
      const zip = join(work, "batch.zip");
      await (await download).saveAs(zip);
      const names = await unzip(zip, join(work, "out"));
      // Folders named after the Patient ID come back pseudonymized (core/deid/scrub_path.ts).
      zipped = matchScrubbed(names, ["pydicom__CT_small.dcm", ...study.dicom]);
      const check = await phiCheck(study.phiJson, join(work, "out", "study"));
      assert.equal(check.code, 0, check.summary);
      assert.match(check.summary, /phi_check: 6 files, \d+ strings, 0 hits/);
    });

    await t.step("open the batch and download one file", async () => {
      await page.getByRole("link", { name: "Batches", exact: true }).click();
      await page.locator("[data-island=Batches][data-hydrated]").waitFor();
      assert.deepEqual(await a11yProblems(page), []);
      await shot(page, "3-batches");
      await page.getByRole("link", { name: /^Batch / }).first().click();
      await page.locator("[data-island=BatchView][data-hydrated]").waitFor();
      await shot(page, "4-batch");
      const download = page.waitForEvent("download");
      await page.getByRole("link", { name: `Download ${study.dicom[0]}` }).click();
      const one = join(work, "one.dcm");
      await (await download).saveAs(one);
      const bytes = await Deno.readFile(one);
      assert.equal(new TextDecoder().decode(bytes.subarray(128, 132)), "DICM");
      const same = zipped.get(study.dicom[0])!.filter((p) =>
        (({ f }) => f.length === bytes.length && f.every((b, i) => b === bytes[i]))({
          f: Deno.readFileSync(join(work, "out", p)),
        })
      );
      assert.equal(same.length, 1, "the single download is one of the ZIP's files");
    });

    await t.step("status page", async () => {
      await page.getByRole("link", { name: "Status" }).click();
      await page.getByText("Active batches").waitFor();
      assert.match(await page.locator(".facts").innerText(), /1 \(\d+ files\)/);
      assert.deepEqual(await a11yProblems(page), []);
      const status = await (await page.request.get(`${server.url}/api/status`)).json();
      assert.equal(status.activeBatches, 1);
      assert.ok(status.dataBytes > 0 && status.ready);
      await shot(page, "5-status");
    });

    await t.step("drop files on the drop zone: one done, one failed with a reason", async () => {
      await page.getByRole("link", { name: "Anonymize", exact: true }).click();
      await page.locator("[data-island=Anonymize][data-hydrated]").waitFor();
      const names = ["pydicom__CT_small.dcm", "pydicom__MR_truncated.dcm"];
      const contents = await Promise.all(names.map((n) => Deno.readFile(join(CORPUS, n))));
      // A folder drop cannot be synthesized (the entry walker has unit tests); files can.
      const drop = await page.evaluateHandle(([names, contents]) => {
        const dt = new DataTransfer();
        names.forEach((n, i) => dt.items.add(new File([new Uint8Array(contents[i])], n)));
        return dt;
      }, [names, contents.map((c) => Array.from(c))] as const);
      await page.locator(".dropzone").dispatchEvent("drop", { dataTransfer: drop });
      await page.getByTestId("summary").filter({ hasText: "All 2 files handled" }).waitFor();
      assert.equal(await page.locator("li.file[data-state=done]").count(), 1);
      const failed = page.locator("li.file[data-state=failed]");
      assert.match(await failed.innerText(), /MR_truncated[\s\S]*Damaged or unsupported DICOM: /);
      await shot(page, "2b-anonymize-drop");
    });

    await t.step("delete the batch", async () => {
      await page.getByRole("link", { name: "Batches", exact: true }).click();
      await page.locator("[data-island=Batches][data-hydrated]").waitFor();
      assert.equal(
        await page.locator("li.batch").count(),
        2,
        "the folder batch and the drop batch",
      );
      await page.getByRole("button", { name: "Delete…" }).first().click();
      // Focus moves to the confirming button, so Enter deletes.
      await page.waitForFunction(() => /for good/.test(document.activeElement?.textContent ?? ""));
      await page.keyboard.press("Enter");
      await page.getByText(/Batch [0-9a-f]{8} deleted/).waitFor();
      assert.equal(await page.locator("li.batch").count(), 1);
      await page.getByRole("button", { name: "Delete…" }).click();
      await page.getByRole("button", { name: /for good/ }).click();
      await page.getByText("No batches yet").waitFor();
      await page.reload();
      await page.getByText("No batches yet").waitFor();
    });

    await t.step("sign out", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      const session = await page.request.get(`${server.url}/api/session`);
      assert.equal(session.status(), 401);
    });

    await t.step("360 px, dark: the main screen fits the width", async () => {
      const narrow = await newContext(browser, { width: 360, dark: true });
      const small = await narrow.newPage();
      const narrowErrors = watchConsole(small);
      await signIn(small, server.url);
      await small.locator("[data-island=Anonymize][data-hydrated]").waitFor();
      const width = await small.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `no horizontal scrolling (content is ${width} px wide)`);
      await shot(small, "6-anonymize-360-dark");
      await narrow.close();
      assert.deepEqual(narrowErrors, []);
    });

    assert.deepEqual(errors, [], "no console errors");
    const serverErrors = server.logs.filter((l) => /"level":"(warn|error)"/.test(l));
    assert.deepEqual(serverErrors, [], "no server warnings or errors");
  } finally {
    await browser.close();
    await server.dispose();
    await Deno.remove(work, { recursive: true });
  }
});
