/**
 * Cheap, axe-style accessibility checks run inside the page: a language, one main landmark
 * and one h1, a label for every form control, a name for every button and link, unique ids.
 * Not a full audit; it catches the mistakes islands most often make.
 */
import type { Page } from "playwright-core";

/** Problems found on the current page (empty when none). */
export function a11yProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const visible = (el: Element) =>
      !el.closest("[hidden]") && (el as HTMLElement).offsetParent !== null;
    const name = (el: Element) =>
      (el.getAttribute("aria-label") ?? "").trim() || (el.textContent ?? "").trim() ||
      (el.getAttribute("aria-labelledby") ? "labelledby" : "");
    if (!document.documentElement.lang) problems.push("<html> has no lang");
    if (document.querySelectorAll("main").length !== 1) problems.push("not exactly one <main>");
    if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one <h1>");
    for (const el of document.querySelectorAll("input, select, textarea")) {
      const input = el as HTMLInputElement;
      if (input.type === "hidden" || !visible(el)) continue;
      if (!input.labels?.length && !el.getAttribute("aria-label")) {
        problems.push(`unlabelled ${el.tagName.toLowerCase()} name=${input.name}`);
      }
    }
    for (const el of document.querySelectorAll("button, a[href]")) {
      if (visible(el) && !name(el)) problems.push(`${el.tagName.toLowerCase()} without a name`);
    }
    const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
    for (const id of new Set(ids)) {
      if (ids.filter((x) => x === id).length > 1) problems.push(`duplicate id ${id}`);
    }
    return problems;
  });
}
