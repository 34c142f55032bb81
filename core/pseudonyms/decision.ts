/**
 * The engine's hook: turns the policy's decision for one of the four attributes into a custom
 * action that writes its pseudonym. Only top-level elements are replaced; copies nested in
 * sequences (Other Patient IDs Sequence, Request Attributes Sequence, …) keep the profile's
 * action, because they may name other patients or studies and a header peek cannot promise to
 * have seen them. A user rule naming the attribute (-t, --dictionary) still wins.
 */
import type { ElementInfo } from "../deid/actions.ts";
import { DeidValueError } from "../deid/errors.ts";
import type { Decision } from "../deid/policy.ts";
import type { ElementEvent } from "../dicom/events.ts";
import { formatTag } from "../dicom/tag.ts";
import { attributeOfTag, normalizeOriginal, type PseudonymLookup } from "./attributes.ts";

/** `Decision.source` of a pseudonym (reports count the action as "pseudonym"). */
export const PSEUDONYM_SOURCE = "pseudonym";

/**
 * `decision`, or the pseudonym decision when `lookup` is set, the element is one of the four
 * attributes at nesting depth 1 (the dataset itself) and no user rule decided. The custom
 * action throws {@link DeidValueError} (tag and offset only) when the lookup has no pseudonym,
 * so a file never silently falls back to the profile's dummy and breaks the linkage.
 */
export function withPseudonym(
  decision: Decision,
  ev: ElementEvent,
  depth: number,
  lookup: PseudonymLookup | undefined,
): Decision {
  if (lookup === undefined || depth !== 1 || decision.source === "user") return decision;
  const attribute = attributeOfTag(ev.tag);
  if (attribute === undefined) return decision;
  const fn = ({ value }: ElementInfo): string => {
    const pseudonym = lookup(attribute, normalizeOriginal(value));
    if (pseudonym !== undefined) return pseudonym;
    throw new DeidValueError(
      `No pseudonym for ${formatTag(ev.tag)} at offset 0x${
        ev.offset.toString(16).toUpperCase()
      }: the value was not among those read ahead (a header over 1 MiB?)`,
      ev.tag,
      ev.offset,
    );
  };
  return { action: { name: "custom", fn }, source: PSEUDONYM_SOURCE };
}
