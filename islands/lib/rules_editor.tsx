/**
 * Custom rules: rows of tag + action (+ the action's arguments), and a rules dictionary JSON
 * file in the reference tool's `--dictionary` format. Checked by the server, not here.
 */
import type { TargetedEvent } from "preact";
import { argCount, EMPTY_RULE, type RuleRow } from "./settings.ts";

/** Props of {@link RulesEditor}. */
export interface RulesEditorProps {
  rules: RuleRow[];
  actions: string[];
  enhanced: boolean;
  hasDictionary: boolean;
  onChange(rules: RuleRow[]): void;
  onDictionary(file: File | null): void;
}

type Input = TargetedEvent<HTMLInputElement | HTMLSelectElement, Event>;

/** The custom rules fieldset. */
export function RulesEditor(p: RulesEditorProps) {
  const edit = (i: number, patch: Partial<RuleRow>) =>
    p.onChange(p.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const remove = (i: number) => {
    const rest = p.rules.filter((_, j) => j !== i);
    p.onChange(rest.length ? rest : [{ ...EMPTY_RULE }]);
  };
  return (
    <fieldset class="rules">
      <legend>Custom rules</legend>
      <p class="hint">
        Override the profile for single tags, e.g. <code>(0010,0040)</code> or{" "}
        <code>PatientSex</code> with <code>keep</code>. Later rules win.
      </p>
      {p.rules.map((r, i) => {
        // Without JavaScript the form cannot react to the action, so it offers both fields.
        const n = p.enhanced ? argCount(r.action) : 2;
        return (
          <div class="rule" key={i}>
            <label>
              Tag
              <input
                name="rule_tag"
                value={r.tag}
                placeholder="(0010,0040)"
                autocomplete="off"
                spellcheck={false}
                onInput={(e: Input) => edit(i, { tag: e.currentTarget.value })}
              />
            </label>
            <label>
              Action
              <select
                name="rule_action"
                value={r.action}
                onChange={(e: Input) => edit(i, { action: e.currentTarget.value })}
              >
                {p.actions.map((a) => <option key={a} value={a}>{a}</option>)}
              </select>
            </label>
            {n >= 1 && (
              <label>
                {r.action === "regexp" || !p.enhanced ? "Find (regexp) or value" : "Value"}
                <input
                  name="rule_arg1"
                  value={r.arg1}
                  onInput={(e: Input) => edit(i, { arg1: e.currentTarget.value })}
                />
              </label>
            )}
            {n >= 2 && (
              <label>
                Replace with
                <input
                  name="rule_arg2"
                  value={r.arg2}
                  onInput={(e: Input) => edit(i, { arg2: e.currentTarget.value })}
                />
              </label>
            )}
            {p.enhanced && (
              <button
                type="button"
                class="small secondary"
                onClick={() => remove(i)}
                aria-label={`Remove rule ${i + 1}`}
              >
                Remove
              </button>
            )}
          </div>
        );
      })}
      {p.enhanced && (
        <button
          type="button"
          class="small secondary"
          onClick={() => p.onChange([...p.rules, { ...EMPTY_RULE }])}
        >
          Add a rule
        </button>
      )}
      <label for="dictionary">
        Rules file (JSON dictionary, as for <code>--dictionary</code>)
      </label>
      <input
        id="dictionary"
        type="file"
        name="dictionary"
        accept=".json,application/json"
        onChange={(e: TargetedEvent<HTMLInputElement, Event>) =>
          p.onDictionary(e.currentTarget.files?.[0] ?? null)}
      />
      {p.enhanced && p.hasDictionary && (
        <p class="hint">The rules file applies after the rules above.</p>
      )}
    </fieldset>
  );
}
