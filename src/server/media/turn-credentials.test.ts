import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { IceServerIssuer } from "./turn-credentials.js";

const SECRET = "a-secret-of-thirty-two-characters!";
const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

describe("IceServerIssuer", () => {
  it("gives each participant TURN credentials of its own that coturn's use-auth-secret accepts", () => {
    const issuer = new IceServerIssuer(
      ["stun:t.example.org:3478", "turn:t.example.org:3478", "turns:t.example.org:443?transport=tcp"],
      [],
      { secret: SECRET, ttlSeconds: 3600 },
      () => NOW,
    );
    const [stun, turn] = issuer.issue();
    expect(stun).toEqual({ urls: ["stun:t.example.org:3478"] });
    expect(turn?.urls).toEqual(["turn:t.example.org:3478", "turns:t.example.org:443?transport=tcp"]);
    const [expiry, nonce] = (turn?.username ?? "").split(":");
    expect(Number(expiry)).toBe(NOW / 1000 + 3600);
    expect(nonce).toMatch(/^[\w-]{12}$/);
    // What coturn computes from its static-auth-secret to check the password.
    expect(turn?.credential).toBe(
      createHmac("sha1", SECRET)
        .update(turn?.username ?? "")
        .digest("base64"),
    );
    const again = issuer.issue()[1];
    expect(again?.username).not.toBe(turn?.username);
    expect(again?.credential).not.toBe(turn?.credential);
  });

  it("gives the fixed servers when there is no secret or no TURN URL", () => {
    const fixed = [{ urls: ["turn:t.example.org"], username: "u", credential: "c" }];
    expect(new IceServerIssuer(["turn:t.example.org"], fixed, null).issue()).toBe(fixed);
    const stunOnly = [{ urls: ["stun:t.example.org"] }];
    const issuer = new IceServerIssuer(["stun:t.example.org"], stunOnly, { secret: SECRET, ttlSeconds: 60 });
    expect(issuer.issuesCredentials).toBe(false);
    expect(issuer.issue()).toBe(stunOnly);
  });
});
