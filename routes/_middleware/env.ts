/** The Hono environment of this app: Node bindings plus what the middleware sets. */
import type { HttpBindings } from "@hono/node-server";
import type { AuthOutcome } from "../../core/auth/authenticate.ts";
import type { ClientFacts } from "../../core/net/forwarded.ts";

/** A successful authentication. */
export type Authenticated = Extract<AuthOutcome, { ok: true }>;

/** Hono `Env` for every sub-app: `c.env.incoming` is the Node request. */
export type AppEnv = {
  Bindings: HttpBindings;
  Variables: { client: ClientFacts; auth: Authenticated };
};
