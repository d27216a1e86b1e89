import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("has defaults that need no environment", () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.iceServers).toEqual([]);
    expect(c.chatHistory).toBe(true);
    expect(c.lobbyByDefault).toBe(false);
  });

  it("names the variable when a value is wrong", () => {
    expect(() => loadConfig({ PORT: "http" })).toThrowError(/PORT/);
    expect(() => loadConfig({ JANUS_RTP_PORTS: "40000-20000" })).toThrowError(ConfigError);
    expect(() => loadConfig({ ICE_SERVERS: "https://stun.example.org" })).toThrowError(/ICE_SERVERS/);
  });

  it("refuses turn: URLs without the credentials browsers require, and gives them with them", () => {
    expect(() => loadConfig({ ICE_SERVERS: "turn:turn.example.org:3478" })).toThrowError(/TURN_USERNAME/);
    expect(
      loadConfig({ ICE_SERVERS: "turn:turn.example.org:3478", TURN_USERNAME: "u", TURN_CREDENTIAL: "c" })
        .iceServers,
    ).toEqual([{ urls: ["turn:turn.example.org:3478"], username: "u", credential: "c" }]);
    expect(loadConfig({ ICE_SERVERS: "stun:stun.example.org" }).iceServers).toEqual([
      { urls: ["stun:stun.example.org"] },
    ]);
  });

  it("refuses an ICE interface that does not exist or has no IPv4 address", () => {
    expect(() => loadConfig({ JANUS_ICE_INTERFACE: "no-such-if0" })).toThrowError(/JANUS_ICE_INTERFACE/);
    expect(loadConfig({ JANUS_ICE_INTERFACE: "127.0.0.1" }).janus.iceInterfaces).toBe("127.0.0.1");
  });
});
