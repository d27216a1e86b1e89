/**
 * How every werift connection of the bots is set up: on loopback only, and with no request off this host.
 */
import { RTCPeerConnection } from "werift";
import { loopbackOnly, type WireCandidate } from "./media.js";

/** A werift connection that hands its loopback candidates (then null, when gathering is over) to `onCandidate`. */
export function loopbackPeer(onCandidate: (candidate: WireCandidate | null) => void): RTCPeerConnection {
  const pc = new RTCPeerConnection({
    bundlePolicy: "max-bundle",
    // ICE-lite: the peer (full ICE) runs the checks and werift answers them. It also keeps werift from
    // gathering a server-reflexive candidate, for which it falls back on a public STUN server when none is
    // configured.
    iceLite: true,
    iceServers: [],
    iceUseIpv6: false,
    // werift skips loopback interfaces when it gathers; peers reach a bot on 127.0.0.0/8 only.
    iceAdditionalHostAddresses: ["127.0.0.1"],
    // Answer only checks that come from loopback. A lite agent keeps the first pair the peer nominates; a
    // libwebrtc peer also checks from this machine's interface address and may nominate that pair first,
    // then carry on over another: DTLS would go where the peer no longer listens.
    iceFilterStunResponse: (_message, address) => address[0].startsWith("127."),
  });
  pc.onIceCandidate.subscribe((c) => {
    if (!c) return onCandidate(null);
    const loopback = loopbackOnly(c);
    if (loopback) onCandidate(loopback);
  });
  return pc;
}

/** Resolves once `pc` is connected; rejects on failed/closed or after `timeoutMs`. */
export function whenConnected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      clearTimeout(timer);
      subscription.unSubscribe();
      if (err) reject(err);
      else resolve();
    };
    const check = (state: string) => {
      if (state === "connected") settle();
      else if (state === "failed" || state === "closed") settle(new Error(`connection ${state}`));
    };
    const timer = setTimeout(
      () => settle(new Error(`not connected after ${timeoutMs} ms (${pc.connectionState})`)),
      timeoutMs,
    );
    const subscription = pc.connectionStateChange.subscribe(check);
    check(pc.connectionState);
  });
}
