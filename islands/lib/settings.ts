/**
 * Anonymization settings as the UI holds them, and their mapping to the query parameters of
 * `POST /api/batches` (see core/anonymize/params.ts). Shared by the Anonymize island and the
 * no-JS form upload (routes/upload_form.ts), so both send the server the same thing; the
 * server, not this module, decides whether the settings are valid.
 */

/** One custom rule row: a tag spec, an action name and the action's arguments. */
export interface RuleRow {
  tag: string;
  action: string;
  /** `find` for regexp, `value` for replace_with_value. */
  arg1: string;
  /** `replace` for regexp. */
  arg2: string;
}

/** What the options panel edits. */
export interface Settings {
  profile: string;
  /** PS3.15 §E.3 option ids (ps315-basic only). */
  options: string[];
  minimal: boolean;
  keepPrivateTags: boolean;
  rules: RuleRow[];
  /** A rules dictionary file's text (the reference's `--dictionary` format), or null. */
  dictionary: string | null;
}

/** An empty rule row. */
export const EMPTY_RULE: RuleRow = { tag: "", action: "keep", arg1: "", arg2: "" };

/** Defaults: the server's default profile, no options, private tags removed. */
export function defaultSettings(profile: string): Settings {
  return {
    profile,
    options: [],
    minimal: false,
    keepPrivateTags: false,
    rules: [],
    dictionary: null,
  };
}

/** How many arguments an action takes, as the rules parser expects them. */
export function argCount(action: string): 0 | 1 | 2 {
  if (action === "regexp") return 2;
  return action === "replace_with_value" ? 1 : 0;
}

/** The query string for `POST /api/batches` (rows without a tag are left out). */
export function settingsQuery(s: Settings): URLSearchParams {
  const q = new URLSearchParams();
  if (s.minimal) q.set("minimal", "1");
  else {
    q.set("profile", s.profile);
    for (const o of s.options) q.append("option", o);
  }
  if (s.keepPrivateTags) q.set("keepPrivateTags", "1");
  const rows = s.rules.filter((r) => r.tag.trim() !== "");
  if (rows.length) {
    // The JSON form keeps spaces inside values, which the one-line `rule=` form would split.
    const tokens = rows.map((r) =>
      [r.tag.trim(), r.action, r.arg1, r.arg2].slice(0, 2 + argCount(r.action))
    );
    q.set("rules", JSON.stringify(tokens));
  }
  if (s.dictionary !== null && s.dictionary.trim() !== "") q.append("rules", s.dictionary);
  return q;
}

/** Settings from the fields of the no-JS form (repeated names in document order). */
export function settingsFromForm(fields: readonly [string, string][], fallbackProfile: string) {
  const all = (name: string) => fields.filter(([n]) => n === name).map(([, v]) => v);
  const on = (name: string) => all(name).some((v) => v === "1" || v === "on");
  const tags = all("rule_tag");
  const actions = all("rule_action");
  const arg1 = all("rule_arg1");
  const arg2 = all("rule_arg2");
  const settings: Settings = {
    profile: all("profile")[0] || fallbackProfile,
    options: all("option"),
    minimal: on("minimal"),
    keepPrivateTags: on("keepPrivateTags"),
    rules: tags.map((tag, i) => ({
      tag,
      action: actions[i] ?? "keep",
      arg1: arg1[i] ?? "",
      arg2: arg2[i] ?? "",
    })),
    dictionary: null,
  };
  return settings;
}

/** A one-line, human description of a batch's stored query string. */
export function describeSettings(query: string): string {
  const q = new URLSearchParams(query);
  const parts = [
    q.has("minimal") ? "minimal (direct identifiers only)" : q.get("profile") ?? "default profile",
  ];
  const options = q.getAll("option");
  if (options.length) parts.push(options.join(", "));
  parts.push(q.has("keepPrivateTags") ? "private tags kept" : "private tags removed");
  if (q.has("rules")) parts.push("custom rules");
  return parts.join(" · ");
}
