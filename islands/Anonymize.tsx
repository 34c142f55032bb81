/**
 * The main screen. Server-rendered it is a plain form: settings plus one file, posted to
 * `/upload`, answered with the anonymized file. Hydrated, the single-file part gives way to a
 * drop zone for many files and folders, uploaded into a batch as they arrive.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { TargetedEvent } from "preact";
import { DropZone } from "./lib/drop_zone.tsx";
import { FileList } from "./lib/file_list.tsx";
import { type Catalog, OptionsPanel } from "./lib/options_panel.tsx";
import {
  defaultSettings,
  describeSettings,
  EMPTY_RULE,
  type Settings,
  settingsQuery,
} from "./lib/settings.ts";
import { useUploads } from "./lib/use_uploads.ts";

/** Props: what the server offers, the session's CSRF token, and a no-JS upload's error. */
export interface AnonymizeProps {
  csrf: string;
  catalog: Catalog;
  defaultProfile: string;
  error?: string;
  /** The settings of a refused no-JS upload, so the form comes back as the user left it. */
  settings?: Settings;
}

// The settings travel in the URL of `POST /api/batches`; Node refuses request heads > 16 KiB.
const MAX_QUERY_CHARS = 12_000;
const MAX_DICTIONARY_BYTES = 256 * 1024;

/** The Anonymize island. */
export default function Anonymize(props: AnonymizeProps) {
  const [enhanced, setEnhanced] = useState(false);
  const [settings, setSettings] = useState<Settings>(() => {
    const s = props.settings ?? defaultSettings(props.defaultProfile);
    return { ...s, dictionary: null, rules: s.rules.length ? s.rules : [{ ...EMPTY_RULE }] };
  });
  const [localError, setLocalError] = useState("");
  const query = useMemo(() => settingsQuery(settings).toString(), [settings]);
  const uploads = useUploads(query, props.csrf);
  useEffect(() => setEnhanced(true), []);

  useEffect(() => {
    setLocalError(
      query.length > MAX_QUERY_CHARS
        ? `The custom rules are too long to send (${query.length} characters once encoded, at most ${MAX_QUERY_CHARS}). Use fewer rules.`
        : "",
    );
  }, [query]);

  const onDictionary = async (file: File | null) => {
    if (file && file.size > MAX_DICTIONARY_BYTES) {
      setLocalError(`The rules file is larger than ${MAX_DICTIONARY_BYTES / 1024} KB.`);
      return;
    }
    const text = file ? await file.text() : null;
    setSettings((s) => ({ ...s, dictionary: text }));
  };

  const onSubmit = (e: TargetedEvent<HTMLFormElement, SubmitEvent>) => {
    if (!enhanced) return; // the browser posts the form
    e.preventDefault();
    uploads.check();
  };

  const error = localError || uploads.error;
  return (
    <div class={enhanced ? "anonymize" : "anonymize plain"}>
      {props.error && !enhanced && <p class="alert" role="alert">{props.error}</p>}
      <section class="intake" hidden={!enhanced} aria-label="Add files">
        <DropZone onFound={uploads.add} />
        <div class="row">
          <button
            type="button"
            class="secondary small"
            onClick={uploads.reset}
            disabled={!uploads.items.length}
          >
            Clear list (next files start a new batch)
          </button>
        </div>
        <FileList items={uploads.items} />
      </section>
      <form
        method="post"
        action="/upload"
        enctype="multipart/form-data"
        class="settings"
        onSubmit={onSubmit}
      >
        <input type="hidden" name="csrf" value={props.csrf} />
        <details open>
          <summary>
            Settings <span class="hint">{describeSettings(query)}</span>
          </summary>
          <OptionsPanel
            settings={settings}
            catalog={props.catalog}
            enhanced={enhanced}
            onChange={setSettings}
            onDictionary={onDictionary}
          />
          <p role="alert" class={error ? "alert" : "alert empty"}>{error}</p>
          {enhanced && (
            <p class="row">
              <button type="submit" class="secondary">Check settings</button>
              {uploads.accepted && !error && (
                <span class="ok" role="status">Settings accepted by the server.</span>
              )}
            </p>
          )}
          {enhanced && (
            <p class="hint">Changed settings apply to files you add next (in a new batch).</p>
          )}
        </details>
        <fieldset class="single" hidden={enhanced}>
          <legend>Anonymize one file</legend>
          <label for="single-file">DICOM file</label>
          <input id="single-file" type="file" name="file" required disabled={enhanced} />
          <button type="submit">Anonymize and download</button>
          <p class="hint">
            This form works without JavaScript; the anonymized file downloads directly.
          </p>
        </fieldset>
      </form>
    </div>
  );
}
