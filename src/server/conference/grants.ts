/**
 * Passes from one room of a meeting to another (its breakout rooms, or back): `breakout.move` carries one, the
 * `join` that follows presents it. A grant names who may enter (the participant, as it was where it left),
 * where, and until when; it is used once. Whoever holds it enters without lobby or password: it is a secret of
 * 32 random characters, never logged, and it dies within `GRANT_TTL_MS`.
 */
import { randomBytes } from "node:crypto";
import type { Device, Role } from "../../protocol/messages.js";
import type { Budgets } from "./budgets.js";

export const GRANT_TTL_MS = 30_000;
/** More grants than people who could move at once means someone is asking for them in a loop. */
const MAX_GRANTS = 10_000;

/** Who a grant lets in, as the participant was in the room it leaves. */
export interface Mover {
  id: string;
  name: string;
  role: Role;
  blocked: Device[];
  key: string | undefined;
  budgets: Budgets;
}

export interface Grant<From> {
  mover: Mover;
  /** The room it leaves (taken out of it on entry, if still there). */
  from: From;
  /** The breakout room's id, or null: the meeting itself. */
  to: string | null;
  expires: number;
}

export class Grants<From> {
  readonly #grants = new Map<string, Grant<From>>();

  issue(mover: Mover, from: From, to: string | null, now = Date.now()): string {
    this.#prune(now);
    // One live grant per person: asking again replaces the last one.
    for (const [token, g] of this.#grants) if (g.mover.id === mover.id) this.#grants.delete(token);
    if (this.#grants.size >= MAX_GRANTS) {
      const oldest = this.#grants.keys().next().value;
      if (oldest !== undefined) this.#grants.delete(oldest);
    }
    const token = randomBytes(24).toString("base64url");
    this.#grants.set(token, { mover, from, to, expires: now + GRANT_TTL_MS });
    return token;
  }

  /** The grant for `token` into `to`, used up; undefined if unknown, expired, or for another room. */
  redeem(token: string, to: string | null, now = Date.now()): Grant<From> | undefined {
    this.#prune(now);
    const grant = this.#grants.get(token);
    if (!grant || grant.to !== to) return undefined;
    this.#grants.delete(token);
    return grant;
  }

  /** Grants into room `to` are void (it was removed). */
  voidInto(to: string): void {
    for (const [token, g] of this.#grants) if (g.to === to) this.#grants.delete(token);
  }

  clear(): void {
    this.#grants.clear();
  }

  #prune(now: number): void {
    // Oldest first (insertion order): stop at the first live one.
    for (const [token, g] of this.#grants) {
      if (g.expires > now) break;
      this.#grants.delete(token);
    }
  }
}
