/**
 * Browser helpers for the e2e tests: Chromium (`/usr/bin/chromium`) through playwright-core
 * with the flags of TOOLCHAIN §5, a console watcher, screenshots and sign-in.
 */
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { PASSWORD } from "../http/_harness.ts";

/** Flags that keep Chromium quiet and offline in a container. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where screenshots go (gitignored). */
export const SCREENSHOTS = new URL("../screenshots/", import.meta.url).pathname;

/** Starts headless Chromium. */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** A fresh context (own cookies) that accepts downloads, at a given viewport width. */
export function newContext(
  browser: Browser,
  opts: { width?: number; javaScript?: boolean; dark?: boolean } = {},
) {
  return browser.newContext({
    acceptDownloads: true,
    viewport: { width: opts.width ?? 1280, height: 900 },
    javaScriptEnabled: opts.javaScript ?? true,
    colorScheme: opts.dark ? "dark" : "light",
  });
}

/**
 * Collects console errors and uncaught page errors. `allowed` lists substrings of messages
 * a test provokes on purpose (Chromium logs every 4xx answer as "Failed to load resource").
 */
export function watchConsole(target: Page | BrowserContext, allowed: RegExp[] = []): string[] {
  const errors: string[] = [];
  const attach = (page: Page) => {
    page.on("console", (m) => {
      if (m.type() !== "error" && m.type() !== "warning") return;
      const text = `${m.type()}: ${m.text()} (${m.location().url})`;
      if (!allowed.some((re) => re.test(text))) errors.push(text);
    });
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  };
  if ("pages" in target) {
    target.pages().forEach(attach);
    target.on("page", attach);
  } else attach(target);
  return errors;
}

/** Saves a full-page screenshot as tests/screenshots/NAME.png. */
export async function shot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the form and waits for the Anonymize screen. */
export async function signIn(page: Page, url: string, password = PASSWORD): Promise<void> {
  await page.goto(`${url}/`);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Anonymize DICOM files" }).waitFor();
}

/** Waits until every island on the page is hydrated (the marker the islands set). */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    document.querySelectorAll("[data-island]").length > 0 &&
    [...document.querySelectorAll("[data-island]")].every((el) => el.hasAttribute("data-hydrated"))
  );
}
