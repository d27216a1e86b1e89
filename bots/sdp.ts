/**
 * The SDP a bot writes itself. Its subscribe answers are written here, not by a WebRTC stack: an offer in a
 * room of n publishers has ~n m-lines, which a stack would take ~5-10 ms each to apply (libwebrtc) or fail to
 * renegotiate (werift, on an m-line that went inactive and is reused); the bot's connection only needs the
 * bundle transport (see counting-receiver.ts).
 */

export interface ParsedSdp {
  session: string[];
  media: string[][];
}

export function parseSdp(sdp: string): ParsedSdp {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  const session: string[] = [];
  const media: string[][] = [];
  for (const line of lines) {
    if (line.startsWith("m=")) media.push([line]);
    else if (media.length > 0) media[media.length - 1]?.push(line);
    else session.push(line);
  }
  return { session, media };
}

export function writeSdp(p: ParsedSdp): string {
  return `${[...p.session, ...p.media.flat()].join("\r\n")}\r\n`;
}

export function midOf(section: string[]): string | undefined {
  return section.find((l) => l.startsWith("a=mid:"))?.slice(6);
}

export function rejected(section: string[]): boolean {
  return (section[0] ?? "").split(" ")[1] === "0";
}

/** Rewrites the session's BUNDLE group to the given mids. */
export function withBundle(session: string[], mids: string[]): string[] {
  const out = session.filter((l) => !l.startsWith("a=group:BUNDLE"));
  if (mids.length > 0) {
    const at = out.findIndex((l) => l.startsWith("t="));
    out.splice(at + 1, 0, `a=group:BUNDLE ${mids.join(" ")}`);
  }
  return out;
}

/**
 * An answer m-section on the bundle transport, with the offer's first codec: it receives what the offer sends
 * when `receive` (recvonly), otherwise nothing (inactive); an m-line the offer rejected stays rejected.
 */
export function answerSection(offer: string[], transport: string[], receive: boolean): string[] {
  const [kind = "audio", , proto = "UDP/TLS/RTP/SAVPF", pt = "0"] = (offer[0] ?? "").slice(2).split(" ");
  const mid = midOf(offer) ?? "";
  if (rejected(offer))
    return [`m=${kind} 0 ${proto} ${pt}`, "c=IN IP4 0.0.0.0", `a=mid:${mid}`, "a=inactive"];
  const sends = offer.some((l) => l === "a=sendonly" || l === "a=sendrecv");
  const codec = offer.filter((l) => l.startsWith(`a=rtpmap:${pt} `) || l.startsWith(`a=fmtp:${pt} `));
  return [
    `m=${kind} 9 ${proto} ${pt}`,
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    ...transport,
    `a=mid:${mid}`,
    receive && sends ? "a=recvonly" : "a=inactive",
    "a=rtcp-mux",
    ...codec,
  ];
}
