/**
 * The ICE servers each participant is given in `joined`. With a TURN secret (TURN_SECRET, the
 * `static-auth-secret` of coturn's `use-auth-secret`), every join gets credentials of its own that expire:
 * the TURN REST scheme coturn checks without asking us, username `<unix expiry>:<random>`, password
 * base64(HMAC-SHA1(secret, username)). A credential copied out of a page stops working at its expiry, and the
 * secret never leaves the server.
 *
 * The username carries no participant id nor name: coturn logs usernames, and they must say nothing about who
 * met whom.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { IceServer } from "../../protocol/messages.js";
import type { TurnSecret } from "../config.js";

export class IceServerIssuer {
  readonly #stun: string[];
  readonly #turn: string[];
  readonly #fixed: IceServer[];
  readonly #secret: TurnSecret | null;
  readonly #now: () => number;

  /**
   * `urls`: the operator's stun:/turn:/turns: URLs. `fixed`: what to give when there is no secret (URLs with
   * static credentials, or STUN only). `now`: ms since the epoch (a test's clock).
   */
  constructor(urls: string[], fixed: IceServer[], secret: TurnSecret | null, now: () => number = Date.now) {
    this.#stun = urls.filter((u) => u.startsWith("stun:"));
    this.#turn = urls.filter((u) => !u.startsWith("stun:"));
    this.#fixed = fixed;
    this.#secret = secret;
    this.#now = now;
  }

  /** True when each call to `issue` makes fresh credentials. */
  get issuesCredentials(): boolean {
    return this.#secret !== null && this.#turn.length > 0;
  }

  /** The servers for one participant's peer connections. */
  issue(): IceServer[] {
    if (!this.#secret || this.#turn.length === 0) return this.#fixed;
    const expiry = Math.floor(this.#now() / 1000) + this.#secret.ttlSeconds;
    const username = `${expiry}:${randomBytes(9).toString("base64url")}`;
    const credential = createHmac("sha1", this.#secret.secret).update(username).digest("base64");
    const servers: IceServer[] = [{ urls: [...this.#turn], username, credential }];
    if (this.#stun.length > 0) servers.unshift({ urls: [...this.#stun] });
    return servers;
  }
}
