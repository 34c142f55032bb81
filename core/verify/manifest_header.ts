/** The `header` record of a `deid-manifest/1` file: what ran, with which keys (docs/manifest.md). */

/** The header's fields as verify uses them; absent or malformed ones are undefined. */
export interface ManifestHeader {
  readonly profileId?: string;
  readonly options: readonly string[];
  readonly keepPrivateTags: boolean;
  /** `--pseudonyms` mode of the run, when the header names one. */
  readonly pseudonyms?: string;
  /** Tag pattern and action name of each user rule, in order. */
  readonly userRules: readonly { readonly tag: string; readonly action: string }[];
  /** Fingerprint of the de-identification key. */
  readonly keyId?: string;
  /** First 16 hex of SHA-256 of the hash key. */
  readonly hashKeyId?: string;
  readonly signingKey?: {
    readonly alg: string;
    /** Base64 SPKI DER. */
    readonly publicKey: string;
    readonly id: string;
  };
}

const FORMAT = "deid-manifest/1";

/** Reads a parsed header record; each problem is passed to `bad` (never with a value). */
export function readHeader(
  r: Record<string, unknown>,
  bad: (message: string) => void,
): ManifestHeader {
  if (r.format !== FORMAT) bad(`format is not ${FORMAT}`);
  const profile = (typeof r.profile === "object" && r.profile !== null ? r.profile : {}) as Record<
    string,
    unknown
  >;
  const profileId = typeof profile.id === "string" ? profile.id : undefined;
  if (profileId === undefined) bad("header has no profile id");
  const options = Array.isArray(profile.options) &&
      profile.options.every((o) => typeof o === "string")
    ? profile.options as string[]
    : (bad("profile options are not a list of names"), []);
  if (typeof r.keepPrivateTags !== "boolean") bad("keepPrivateTags is not true or false");
  const userRules: { tag: string; action: string }[] = [];
  if (!Array.isArray(r.userRules)) bad("userRules is not a list");
  for (const rule of Array.isArray(r.userRules) ? r.userRules : []) {
    const { tag, action } = (rule ?? {}) as Record<string, unknown>;
    if (typeof tag === "string" && typeof action === "string") userRules.push({ tag, action });
    else bad("a user rule lacks its tag or action");
  }
  const key =
    (typeof r.signingKey === "object" && r.signingKey !== null ? r.signingKey : {}) as Record<
      string,
      unknown
    >;
  const signingKey = typeof key.alg === "string" && typeof key.publicKey === "string" &&
      typeof key.id === "string"
    ? { alg: key.alg, publicKey: key.publicKey, id: key.id }
    : (bad("signingKey needs alg, publicKey and id"), undefined);
  return {
    profileId,
    options,
    keepPrivateTags: r.keepPrivateTags === true,
    ...(typeof r.pseudonyms === "string" ? { pseudonyms: r.pseudonyms } : {}),
    userRules,
    keyId: typeof r.keyId === "string" ? r.keyId : undefined,
    hashKeyId: typeof r.hashKeyId === "string" ? r.hashKeyId : undefined,
    signingKey,
  };
}
