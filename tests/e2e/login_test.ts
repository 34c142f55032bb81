/**
 * The sign-in island in Chromium: a wrong password says so; repeated failures lock the
 * client out and the page counts down from `Retry-After` with the button disabled.
 */
import assert from "node:assert/strict";
import { startTestServer } from "../http/_harness.ts";
import { ensureIslands } from "./_build.ts";
import { launch, newContext, shot, watchConsole } from "./_browser.ts";

// Chromium logs each refused attempt (401, then 429) as a failed resource load.
const EXPECTED = [/status of (401|429) .*\/login\)$/];

Deno.test("Login island: wrong password, then lockout with a live countdown", async () => {
  await ensureIslands();
  const server = await startTestServer({
    env: { LOCKOUT_MAX_FAILURES: "3", LOCKOUT_WINDOW_MINUTES: "1" },
  });
  const browser = await launch();
  try {
    const context = await newContext(browser);
    const errors = watchConsole(context, EXPECTED);
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.locator("[data-island=Login][data-hydrated]").waitFor();
    const password = page.getByLabel("Password");
    const button = page.getByRole("button", { name: "Sign in" });

    await password.fill("wrong one");
    await button.click();
    await page.getByRole("alert").filter({ hasText: "Wrong password" }).waitFor();
    assert.equal(new URL(page.url()).pathname, "/", "no navigation: the island handled it");

    const countdown = page.getByTestId("countdown");
    for (let i = 0; i < 8 && !(await countdown.isVisible()); i++) {
      await password.fill(`wrong ${i}`);
      await button.click();
      await page.waitForFunction(() =>
        !document.querySelector("button[type=submit]")?.textContent?.includes("…")
      );
    }
    await countdown.waitFor();
    await page.getByRole("alert").filter({ hasText: "Too many failed attempts" }).waitFor();
    assert.ok(await button.isDisabled(), "the button waits for the countdown");
    const first = await countdown.innerText();
    assert.match(first, /^[01]:\d\d$/);
    await page.waitForTimeout(1300);
    const later = await countdown.innerText();
    assert.notEqual(later, first, `the countdown moves (${first} → ${later})`);
    await shot(page, "0-login-locked");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.dispose();
  }
});
