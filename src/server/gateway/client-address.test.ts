import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AddressBook } from "./address-book.js";
import { addressKey, clientAddress } from "./client-address.js";

const request = (peer: string, forwarded?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { "x-forwarded-for": forwarded },
  }) as unknown as IncomingMessage;

describe("client addresses", () => {
  it("counts IPv4 as itself (mapped or not) and IPv6 per /64", () => {
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
  });

  it("believes X-Forwarded-For only from a trusted proxy, and takes the right-most hop that is not one", () => {
    const proxies = new Set(["127.0.0.1", "10.0.0.2"]);
    expect(clientAddress(request("198.51.100.9", "203.0.113.7"), proxies)).toBe("198.51.100.9");
    expect(clientAddress(request("127.0.0.1", "203.0.113.7"), proxies)).toBe("203.0.113.7");
    // A client's own (forged) entry stands left of what our proxies saw: it is not the one counted.
    expect(clientAddress(request("127.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.2"), proxies)).toBe(
      "203.0.113.7",
    );
    expect(clientAddress(request("127.0.0.1", "not-an-address"), proxies)).toBe("127.0.0.1");
    expect(clientAddress(request("127.0.0.1"), proxies)).toBe("127.0.0.1");
  });
});

describe("the address book", () => {
  afterEach(() => vi.useRealTimers());

  it("caps connections per address and gives a slot back on release, once", () => {
    const book = new AddressBook({ connectionsPerAddress: 2, passwordFailuresPerAddress: 30 });
    const a = book.open("198.51.100.1");
    const b = book.open("198.51.100.1");
    expect(a && b).toBeTruthy();
    expect(book.open("198.51.100.1")).toBeNull();
    expect(book.open("198.51.100.2")).not.toBeNull();
    a?.release();
    a?.release();
    expect(book.open("198.51.100.1")).not.toBeNull();
    expect(book.open("198.51.100.1")).toBeNull();
  });

  it("keeps an address's wrong passwords after its last connection closes, until they age out", () => {
    vi.useFakeTimers();
    const book = new AddressBook({ connectionsPerAddress: 5, passwordFailuresPerAddress: 3 });
    const slot = book.open("198.51.100.1");
    for (let i = 0; i < 3; i++) slot?.passwordFailures.record();
    slot?.release();
    const again = book.open("198.51.100.1");
    expect(again?.passwordFailures.exhausted()).toBe(true);
    again?.release();
    vi.advanceTimersByTime(60_001);
    expect(book.size).toBe(0);
    expect(book.open("198.51.100.1")?.passwordFailures.exhausted()).toBe(false);
  });
});
