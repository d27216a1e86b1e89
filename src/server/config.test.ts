import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("has defaults that need no environment", () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.ice).toEqual({ urls: [], fixed: [], turnSecret: null });
    expect(c.chatHistory).toBe(true);
    expect(c.lobbyByDefault).toBe(false);
  });

  it("names the variable when a value is wrong", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrowError(/PORT/);
    expect(() => loadConfig({ JANUS_RTP_PORTS: "40000-20000" })).toThrowError(ConfigError);
    expect(() => loadConfig({ ICE_SERVERS: "https://stun.example.org" })).toThrowError(/ICE_SERVERS/);
  });

  it("refuses turn: URLs without the credentials browsers require, and gives them with them", () => {
    expect(() => loadConfig({ ICE_SERVERS: "turn:turn.example.org:3478" })).toThrowError(/TURN_SECRET/);
    expect(
      loadConfig({ ICE_SERVERS: "turn:turn.example.org:3478", TURN_USERNAME: "u", TURN_CREDENTIAL: "c" }).ice
        .fixed,
    ).toEqual([{ urls: ["turn:turn.example.org:3478"], username: "u", credential: "c" }]);
    expect(loadConfig({ ICE_SERVERS: "stun:stun.example.org" }).ice.fixed).toEqual([
      { urls: ["stun:stun.example.org"] },
    ]);
  });

  it("takes a TURN secret of 32 characters or more, alone, with the credentials' lifetime", () => {
    const secret = "0123456789abcdef0123456789abcdef";
    const c = loadConfig({ ICE_SERVERS: "turns:t.example.org:443?transport=tcp", TURN_SECRET: secret });
    expect(c.ice.turnSecret).toEqual({ secret, ttlSeconds: 8 * 3600 });
    expect(
      loadConfig({ ICE_SERVERS: "turn:t.example.org", TURN_SECRET: secret, TURN_TTL_SECONDS: "600" }).ice
        .turnSecret?.ttlSeconds,
    ).toBe(600);
    expect(() => loadConfig({ ICE_SERVERS: "turn:t.example.org", TURN_SECRET: "short" })).toThrowError(
      /TURN_SECRET.*32/,
    );
    expect(() =>
      loadConfig({ ICE_SERVERS: "turn:t.example.org", TURN_SECRET: secret, TURN_USERNAME: "u" }),
    ).toThrowError(/either/);
    expect(() => loadConfig({ TURN_TTL_SECONDS: "5" })).toThrowError(/TURN_TTL_SECONDS/);
  });

  it("refuses an ICE interface that does not exist or has no IPv4 address", () => {
    expect(() => loadConfig({ JANUS_ICE_INTERFACE: "no-such-if0" })).toThrowError(/JANUS_ICE_INTERFACE/);
    expect(loadConfig({ JANUS_ICE_INTERFACE: "127.0.0.1" }).janus.iceInterfaces).toBe("127.0.0.1");
  });

  it("joins a cluster only with a Redis that needs a password", () => {
    expect(loadConfig({}).cluster).toBeNull();
    expect(() => loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" })).toThrowError(/REDIS_URL.*password/);
    expect(() => loadConfig({ REDIS_URL: "http://:pw@127.0.0.1" })).toThrowError(/REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: "redis://:pw@127.0.0.1", NODE_ID: "a b" })).toThrowError(/NODE_ID/);
    const c = loadConfig({ REDIS_URL: "redis://:pw@127.0.0.1:6390", NODE_ID: "n1", NODE_TTL_SECONDS: "3" });
    expect(c.cluster).toEqual({ redisUrl: "redis://:pw@127.0.0.1:6390", nodeId: "n1", nodeTtlMs: 3000 });
    // Two nodes started without NODE_ID never share one.
    const a = loadConfig({ REDIS_URL: "redis://:pw@h" }).cluster?.nodeId;
    expect(a).toMatch(/^n[0-9a-f]{12}$/);
    expect(loadConfig({ REDIS_URL: "redis://:pw@h" }).cluster?.nodeId).not.toBe(a);
  });
});
