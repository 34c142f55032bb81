/**
 * Server side of an island: the component rendered in place inside `<div data-island>`, and
 * its props as JSON in the `<script type="application/json">` right after it, which
 * islands/lib/hydrate.ts reads (CSP forbids inline scripts, not inert data blocks).
 */
import { type ComponentType, h } from "preact";

/** Props of {@link Island}: the island's file name (islands/Name.tsx), component and props. */
export interface IslandProps<P> {
  name: string;
  component: ComponentType<P>;
  props: P;
}

/** JSON that cannot end its `<script>` element early (`</script>`, `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Renders an island for hydration. */
export function Island<P extends object>({ name, component: Component, props }: IslandProps<P>) {
  return (
    <>
      <div data-island={name} class="island">
        {h(Component, props)}
      </div>
      <script type="application/json" dangerouslySetInnerHTML={{ __html: scriptJson(props) }} />
    </>
  );
}
