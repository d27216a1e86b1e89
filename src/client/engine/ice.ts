/** Conversions between the protocol's ICE shapes and the browser's. */
import type { Candidate, IceServer } from "../../protocol/messages.js";

/**
 * The configuration for both peer connections. Only the operator's servers, never a public default:
 * contacting a third-party STUN server would leak every participant's address to it.
 */
export function rtcConfiguration(iceServers: readonly IceServer[]): RTCConfiguration {
  return {
    iceServers: iceServers.map((s) => {
      const server: RTCIceServer = { urls: [...s.urls] };
      if (s.username !== undefined) server.username = s.username;
      if (s.credential !== undefined) server.credential = s.credential;
      return server;
    }),
    // Janus bundles everything on one transport; gathering for one m-line only keeps trickle short.
    bundlePolicy: "max-bundle",
    rtcpMuxPolicy: "require",
  };
}

/**
 * The protocol's candidate, or `null` for end-of-candidates. Some browsers signal the end with an empty
 * candidate string before the final `null` event; that one is skipped (`undefined`) so `null` is sent once.
 */
export function toProtocolCandidate(c: RTCIceCandidate | null): Candidate | null | undefined {
  if (c === null) return null;
  if (c.candidate === "") return undefined;
  return { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
}
