/**
 * The DICOM network receiver's part of the server configuration (DIMSE_* variables and the
 * `serve --dimse-port/--ae-title/--forward-to` flags). Off unless a port is given.
 */
import { type ForwardTarget, isAeTitle, parseForwardTarget } from "../dimse/forward_target.ts";
import { readInteger, readList } from "./env_values.ts";

/** C-STORE SCP settings. */
export interface DimseConfig {
  /** DIMSE_PORT: where the C-STORE SCP listens (on HOST); undefined: not started. */
  port?: number;
  /** DIMSE_AE_TITLE: our AE title; associations calling another are rejected. */
  aeTitle: string;
  /** DIMSE_CALLING_AE_TITLES: if set, the only calling AE titles accepted. */
  callingAeTitles: string[];
  /** DIMSE_MAX_ASSOCIATIONS: concurrent associations; more are rejected as transient. */
  maxAssociations: number;
  /** DIMSE_IDLE_SECONDS: an association silent this long is aborted. */
  idleSeconds: number;
  /** DIMSE_SETTINGS: the received batches' settings, as a query string (`profile=…`). */
  settings: string;
  /** DIMSE_FORWARD_TO: where outputs go when an association ends (C-STORE or STOW-RS). */
  forwardTo?: ForwardTarget;
  /** DIMSE_FORWARD_TOKEN (secret): bearer token for a STOW-RS target. */
  forwardToken?: string;
}

/** The DIMSE variables, in `.env.example` order. */
export const DIMSE_ENV_KEYS = [
  "DIMSE_PORT",
  "DIMSE_AE_TITLE",
  "DIMSE_CALLING_AE_TITLES",
  "DIMSE_MAX_ASSOCIATIONS",
  "DIMSE_IDLE_SECONDS",
  "DIMSE_SETTINGS",
  "DIMSE_FORWARD_TO",
  "DIMSE_FORWARD_TOKEN",
] as const;

/** Command-line overrides of the DIMSE settings. */
export interface DimseFlags {
  dimsePort?: number;
  aeTitle?: string;
  forwardTo?: string;
}

/** Reads the DIMSE settings; `get` returns a variable's trimmed value or undefined. */
export function readDimseConfig(
  get: (name: string) => string | undefined,
  flags: DimseFlags = {},
): DimseConfig {
  const port = flags.dimsePort ??
    (get("DIMSE_PORT") === undefined
      ? undefined
      : readInteger("DIMSE_PORT", get("DIMSE_PORT"), 0, 0, 65535));
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new RangeError(`--dimse-port must be an integer from 0 to 65535 (got ${port})`);
  }
  const aeTitle = flags.aeTitle ?? get("DIMSE_AE_TITLE") ?? "DEID";
  const callingAeTitles = readList(get("DIMSE_CALLING_AE_TITLES"));
  for (const ae of [aeTitle, ...callingAeTitles]) {
    if (!isAeTitle(ae)) {
      throw new RangeError(
        `AE title "${
          ae.slice(0, 20)
        }" (DIMSE_AE_TITLE, --ae-title or DIMSE_CALLING_AE_TITLES) must be 1-16 characters without backslash`,
      );
    }
  }
  const forward = flags.forwardTo ?? get("DIMSE_FORWARD_TO");
  return {
    port,
    aeTitle,
    callingAeTitles,
    maxAssociations: readInteger(
      "DIMSE_MAX_ASSOCIATIONS",
      get("DIMSE_MAX_ASSOCIATIONS"),
      8,
      1,
      1000,
    ),
    idleSeconds: readInteger("DIMSE_IDLE_SECONDS", get("DIMSE_IDLE_SECONDS"), 300, 1, 86400),
    settings: get("DIMSE_SETTINGS") ?? "",
    forwardTo: forward === undefined
      ? undefined
      : parseForwardTarget("DIMSE_FORWARD_TO (or --forward-to)", forward),
    forwardToken: get("DIMSE_FORWARD_TOKEN"),
  };
}

/** The DIMSE settings safe to log: the token and a URL target (credentials) are hidden. */
export function redactDimseConfig(c: DimseConfig): Record<string, unknown> {
  const forwardTo = c.forwardTo?.kind === "stow" ? "(STOW-RS URL)" : c.forwardTo;
  return { ...c, forwardTo, forwardToken: c.forwardToken === undefined ? undefined : "(set)" };
}
