/**
 * The settings fieldsets of the Anonymize screen: profile, PS3.15 options, minimal mode,
 * private tags and custom rules. Every control has a form `name`, so the same markup is the
 * no-JS upload form (routes/upload_form.ts); hydrated, the controls are driven by state.
 */
import type { TargetedEvent } from "preact";
import { RulesEditor } from "./rules_editor.tsx";
import type { Settings } from "./settings.ts";

/** What the server offers: profiles, PS3.15 options and rule action names. */
export interface Catalog {
  profiles: { id: string; label: string }[];
  options: { id: string; label: string }[];
  actions: string[];
}

/** Props of {@link OptionsPanel}. */
export interface OptionsPanelProps {
  settings: Settings;
  catalog: Catalog;
  /** True once hydrated: controls are live and hide what does not apply. */
  enhanced: boolean;
  onChange(next: Settings): void;
  onDictionary(file: File | null): void;
}

type Change = TargetedEvent<HTMLInputElement | HTMLSelectElement, Event>;

/** Profile, options, private tags and rules. */
export function OptionsPanel(
  { settings: s, catalog, enhanced, onChange, onDictionary }: OptionsPanelProps,
) {
  const set = (patch: Partial<Settings>) => onChange({ ...s, ...patch });
  const toggleOption = (id: string, on: boolean) =>
    set({ options: on ? [...s.options, id] : s.options.filter((o) => o !== id) });
  const basic = s.profile === "ps315-basic" && !s.minimal;
  return (
    <div class="options">
      <fieldset>
        <legend>Profile</legend>
        <label for="profile">De-identification profile</label>
        <select
          id="profile"
          name="profile"
          value={s.profile}
          disabled={enhanced && s.minimal}
          onChange={(e: Change) => set({ profile: e.currentTarget.value })}
        >
          {catalog.profiles.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
        </select>
        <label class="check">
          <input
            type="checkbox"
            name="minimal"
            value="1"
            checked={s.minimal}
            onChange={(e: Change) =>
              set({ minimal: (e.currentTarget as HTMLInputElement).checked })}
          />
          <span>
            Minimal mode: remove direct identifiers only (names, IDs, birth dates, addresses); keeps
            dates, UIDs and device data, so the result is <em>not</em> fully de-identified.
          </span>
        </label>
      </fieldset>
      <fieldset disabled={enhanced && !basic}>
        <legend>
          PS3.15 options{" "}
          {enhanced && !basic ? "(need the ps315-basic profile)" : "(ps315-basic only)"}
        </legend>
        <div class="option-grid">
          {catalog.options.map((o) => (
            <label class="check" key={o.id}>
              <input
                type="checkbox"
                name="option"
                value={o.id}
                checked={s.options.includes(o.id)}
                onChange={(e: Change) =>
                  toggleOption(o.id, (e.currentTarget as HTMLInputElement).checked)}
              />
              <span>{o.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>Private tags</legend>
        <label class="check">
          <input
            type="checkbox"
            name="keepPrivateTags"
            value="1"
            checked={s.keepPrivateTags}
            onChange={(e: Change) =>
              set({ keepPrivateTags: (e.currentTarget as HTMLInputElement).checked })}
          />
          <span>Keep private tags</span>
        </label>
        <p class="hint" id="private-why">
          Removed by default: vendors keep names, IDs and free text in private tags, and their
          meaning is not standardized, so no profile can check them. Keep them only if you know your
          devices' private data is safe.
        </p>
      </fieldset>
      <RulesEditor
        rules={s.rules}
        actions={catalog.actions}
        enhanced={enhanced}
        onChange={(rules) => set({ rules })}
        onDictionary={onDictionary}
        hasDictionary={s.dictionary !== null}
      />
    </div>
  );
}
