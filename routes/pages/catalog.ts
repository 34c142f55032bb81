/**
 * The choices the Anonymize screen offers, taken from the engine so the UI cannot offer what
 * the server does not know: profiles, PS3.15 options (with their CID 7050 meanings) and the
 * rule action names.
 */
import { ACTION_NAMES, CID_7050, DEFAULT_PROFILE, PROFILE_OPTIONS } from "../../core/deid/mod.ts";
import type { Catalog } from "../../islands/lib/options_panel.tsx";

// Profile ids the engine resolves (core/deid/profile.ts, engine.ts); labels are the UI's own.
const PROFILE_LABELS: Readonly<Record<string, string>> = {
  dicomfields_2023: "dicom-anonymizer fields, 2023 (default)",
  dicomfields_2024b: "dicom-anonymizer fields, 2024b",
  "ps315-basic": "PS3.15 Basic Application Confidentiality Profile",
};

/** The catalog passed to the Anonymize island. */
export function anonymizeCatalog(): Catalog {
  return {
    profiles: Object.entries(PROFILE_LABELS).map(([id, label]) => ({ id, label })),
    options: Object.entries(PROFILE_OPTIONS).map(([id, o]) => ({
      id,
      label: CID_7050[o.code].replace(/ Option$/, ""),
    })),
    actions: [...ACTION_NAMES],
  };
}

/** The profile selected when the user chose none. */
export const UI_DEFAULT_PROFILE: string = DEFAULT_PROFILE;
