/**
 * The one script every page loads (`/static/build/lib/hydrate.js`): finds the server-rendered
 * islands (`<div data-island="Name">` followed by `<script type="application/json">` props,
 * written by routes/pages/island.tsx), loads each island's bundle and hydrates it in place.
 * Islands and this entry share one Preact chunk (code splitting), so hooks see one runtime.
 */
import { type ComponentType, h, hydrate } from "preact";

/** Hydrates every island on the page. */
export async function hydrateAll(root: ParentNode = document): Promise<void> {
  const hosts = Array.from(root.querySelectorAll<HTMLElement>("[data-island]"));
  await Promise.all(hosts.map(async (host) => {
    const name = host.dataset.island ?? "";
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) return;
    const data = host.nextElementSibling;
    const props = data instanceof HTMLScriptElement && data.type === "application/json"
      ? JSON.parse(data.textContent ?? "{}")
      : {};
    // Not a literal specifier, so the bundler leaves it for the browser to resolve.
    const url = new URL(`../${name}.js`, import.meta.url).href;
    const mod: { default: ComponentType<Record<string, unknown>> } = await import(url);
    hydrate(h(mod.default, props), host);
    host.dataset.hydrated = ""; // a marker for tests and for styles that need JavaScript
  }));
}

await hydrateAll();
