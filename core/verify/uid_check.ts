/**
 * The UID check: a UI value the profile replaces must not be one of the input's UIDs. The
 * manifest holds the inputs' UIDs only as keyed hashes (`inputUids`); verify hashes each output
 * UID with the same hash key and looks it up.
 */
import { createHmac } from "node:crypto";
import type { ElementEvent } from "../dicom/events.ts";
import { elementFinding, type Finding } from "./findings.ts";
import { trimPad } from "./text.ts";

/** UIDs of the standard (SOP classes, transfer syntaxes, coding schemes) are never replaced. */
const STANDARD_ROOT = "1.2.840.10008.";

/** The input UIDs as hashes, and the key to hash output UIDs with. */
export interface UidCheck {
  /** True when the keyed hash of `uid` is among the input UIDs. */
  seen(uid: string): boolean;
}

/** Lower-case hex HMAC-SHA-256(hashKey, uid), as the manifest's `inputUids` holds them. */
export function uidHash(hashKey: Uint8Array, uid: string): string {
  return createHmac("sha256", hashKey).update(uid, "utf8").digest("hex");
}

/** A {@link UidCheck} over a set of hashes. */
export function uidCheck(hashKey: Uint8Array, hashes: ReadonlySet<string>): UidCheck {
  return { seen: (uid) => hashes.has(uidHash(hashKey, uid)) };
}

/** The values of a UI element, padding and surrounding spaces removed (PS3.5 §6.2, §6.4). */
export function uidValues(text: string): string[] {
  return text.split("\\").map((v) => trimPad(v, true));
}

/**
 * Findings for one UI element: each value (and, for a multi-valued one, the whole value, in
 * case a writer hashed it whole) that is an input UID. Standard UIDs pass.
 */
export function uidFindings(
  file: string,
  ev: ElementEvent,
  text: string,
  uids: UidCheck,
): Finding[] {
  const values = uidValues(text);
  const out: Finding[] = [];
  values.forEach((uid, i) => {
    if (uid === "" || uid.startsWith(STANDARD_ROOT) || !uids.seen(uid)) return;
    const which = values.length > 1 ? ` (value ${i + 1} of ${values.length})` : "";
    out.push(
      elementFinding(file, "uid-unchanged", ev.tag, ev.offset, `input UID kept unchanged${which}`),
    );
  });
  if (out.length === 0 && values.length > 1) {
    const whole = values.join("\\");
    if (uids.seen(whole)) {
      out.push(
        elementFinding(file, "uid-unchanged", ev.tag, ev.offset, "input UIDs kept unchanged"),
      );
    }
  }
  return out;
}
