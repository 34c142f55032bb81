import type { ActionCode } from "./profile.ts";

/** The reference tool's action names (dicom-anonymizer), plus `clean` (PS3.15 C). */
export const ACTION_NAMES = [
  "keep",
  "delete",
  "empty",
  "replace",
  "replace_UID",
  "empty_or_replace",
  "delete_or_empty",
  "delete_or_replace",
  "delete_or_empty_or_replace",
  "delete_or_empty_or_replace_UID",
  "clean",
  "regexp",
  "replace_with_value",
] as const;

/** One of {@link ACTION_NAMES}. */
export type ActionName = typeof ACTION_NAMES[number];

/** What a custom rule function sees of one element (never logged). */
export interface ElementInfo {
  readonly tag: number;
  readonly keyword?: string;
  readonly vr: string;
  /** The value decoded with the dataset's character set, padding removed. */
  readonly value: string;
  /** Where the element sits, e.g. "(0008,1140)[0].(0008,1155)"; "" at the top level. */
  readonly path: string;
}

/**
 * A library user's rule as a TypeScript callback: return a new value (string), an action
 * name to apply instead, or undefined to keep the value (the reference's custom functions).
 */
export type CustomRuleFn = (element: ElementInfo) => string | ActionName | undefined;

/** An action with its arguments, as a rule carries it. */
export type Action =
  | { readonly name: Exclude<ActionName, "regexp" | "replace_with_value"> }
  | { readonly name: "regexp"; readonly find: string; readonly replace: string }
  | { readonly name: "replace_with_value"; readonly value: string }
  | { readonly name: "custom"; readonly fn: CustomRuleFn };

/** PS3.15 Table E.1-1 action codes → the reference's action names (its `initialize_actions`). */
export const ACTION_FOR_CODE: Readonly<Record<ActionCode, ActionName>> = {
  D: "replace",
  Z: "empty",
  X: "delete",
  K: "keep",
  C: "clean",
  U: "replace_UID",
  "Z/D": "empty_or_replace",
  "X/Z": "delete_or_empty",
  "X/D": "delete_or_replace",
  "X/Z/D": "delete_or_empty_or_replace",
  "X/Z/U*": "delete_or_empty_or_replace_UID",
};

/**
 * What an action does to one element, once combined codes are resolved the way the reference
 * resolves them (Z/D, X/D, X/Z/D → replace; X/Z → empty; X/Z/U* → UID map for UI, else
 * empty — but a sequence is kept and cleaned inside, see `effectOf`).
 */
export type Effect =
  | "keep"
  | "delete"
  | "empty"
  | "dummy"
  | "uid"
  | "clean"
  | "regexp"
  | "value"
  | "custom";

/**
 * The effect of an action on an element of a VR. Sequences: `empty` drops all items,
 * `delete` drops the sequence, everything else keeps the items and applies the profile
 * inside them (so nested UIDs are mapped and SOP Class UIDs stay valid).
 */
export function effectOf(
  action: ActionName | "custom",
  isUid: boolean,
  isSequence: boolean,
): Effect {
  switch (action) {
    case "custom":
      return isSequence ? "keep" : "custom";
    case "keep":
      return "keep";
    case "delete":
      return "delete";
    case "empty":
    case "delete_or_empty":
      return "empty";
    case "replace":
    case "empty_or_replace":
    case "delete_or_replace":
    case "delete_or_empty_or_replace":
      return isSequence ? "keep" : isUid ? "uid" : "dummy";
    case "replace_UID":
      return isSequence ? "keep" : isUid ? "uid" : "dummy";
    case "delete_or_empty_or_replace_UID":
      return isSequence ? "keep" : isUid ? "uid" : "empty";
    case "clean":
      return isSequence ? "keep" : "clean";
    case "regexp":
      return isSequence ? "keep" : "regexp";
    case "replace_with_value":
      return isSequence ? "keep" : "value";
  }
}
