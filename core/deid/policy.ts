import { groupOf, type Tag } from "../dicom/tag.ts";
import { type Action, ACTION_FOR_CODE } from "./actions.ts";
import type { DeidMethodCode, ProfileAction } from "./profile.ts";
import { RuleSet, type UserRule } from "./rules.ts";

/** What a profile offers the engine (a resolved PS3.15/Kitware profile, or `minimal`). */
export interface ProfileSource {
  readonly id: string;
  readonly edition: string;
  readonly options: readonly string[];
  actionFor(tag: Tag): ProfileAction | undefined;
  codes(): readonly DeidMethodCode[];
}

/** The action chosen for one element and why (the "why" goes into the report). */
export interface Decision {
  readonly action: Action;
  /** "user", "profile", "keepPrivateTags", "safe-private", "private", "default". */
  readonly source: string;
  /** The profile row and column, when the profile decided. */
  readonly row?: ProfileAction;
}

const KEEP: Action = { name: "keep" };
const DELETE: Action = { name: "delete" };

/** Settings the policy combines. */
export interface PolicyOptions {
  readonly profile: ProfileSource;
  readonly rules?: readonly UserRule[];
  readonly keepPrivateTags?: boolean;
  /** Present when Retain Safe Private is selected (PS3.15 §E.3.10). */
  readonly isSafePrivate?: (group: number, creator: string, elementLow: number) => boolean;
}

/**
 * Chooses an action per element: a user rule wins, then the profile; private attributes are
 * removed unless a user rule, `keepPrivateTags` or Retain Safe Private keeps them.
 */
export class DeidPolicy {
  readonly profile: ProfileSource;
  readonly keepPrivateTags: boolean;
  /** True when only some private elements are kept, so their creators must be chosen later. */
  readonly selectivePrivate: boolean;
  readonly #rules: RuleSet;
  readonly #safe?: PolicyOptions["isSafePrivate"];

  constructor(options: PolicyOptions) {
    this.profile = options.profile;
    this.keepPrivateTags = options.keepPrivateTags ?? false;
    this.#rules = new RuleSet([...(options.rules ?? [])]);
    this.#safe = options.isSafePrivate;
    const rulesReachPrivate = (options.rules ?? []).some((r) => mayMatchOddGroup(r.pattern));
    this.selectivePrivate = !this.keepPrivateTags && (rulesReachPrivate || !!this.#safe);
  }

  /** True when a user rule keeps or sets values (then identity is not claimed removed). */
  get userRetains(): boolean {
    return this.#rules.hasUserKeep();
  }

  /** The decision for a standard (even-group) element. */
  standard(tag: Tag): Decision {
    const rule = this.#rules.find(tag);
    if (rule) return { action: rule.action, source: "user" };
    const row = this.profile.actionFor(tag);
    if (row) {
      const action = { name: ACTION_FOR_CODE[row.code] } as Action; // codes map to argument-free actions
      return { action, source: "profile", row };
    }
    return { action: KEEP, source: "default" };
  }

  /** The decision for a private data element or creator, given its block's creator. */
  private(tag: Tag, creator: string | undefined): Decision {
    const rule = this.#rules.find(tag);
    if (rule) return { action: rule.action, source: "user" };
    if (this.keepPrivateTags) return { action: KEEP, source: "keepPrivateTags" };
    const element = tag & 0xffff;
    if (this.#safe && creator !== undefined && element >= 0x1000) {
      if (this.#safe(groupOf(tag), creator, element & 0xff)) {
        return { action: KEEP, source: "safe-private" };
      }
    }
    return { action: DELETE, source: "private" };
  }
}

/** Whether a (value, mask) pattern can match a tag in an odd group. */
function mayMatchOddGroup(p: { value: number; mask: number }): boolean {
  const groupMask = Math.floor(p.mask / 0x10000);
  const groupValue = Math.floor(p.value / 0x10000);
  return (groupMask & 1) === 0 || (groupValue & 1) === 1;
}
