/** The header's `userRules`: tag pattern and action name per rule, never an argument. */
import { formatTag } from "../dicom/tag.ts";
import type { UserRule } from "../deid/rules.ts";

/** Rules as the manifest lists them (a regexp or replace_with_value argument may be a value). */
export function userRulesOf(rules: readonly UserRule[]): { tag: string; action: string }[] {
  return rules.map((r) => ({
    tag: r.pattern.mask === 0xffffffff ? formatTag(r.pattern.value) : r.pattern.pattern,
    action: r.action.name,
  }));
}
