/**
 * The lean answer of a bot that is present but receives nothing. A subscribe offer in a room of n publishers
 * has ~n m-lines; libwebrtc takes ~5-10 ms per m-line to apply one (on the JavaScript thread, in this
 * binding), so 100 bots applying every offer of a 100-person room would need minutes of CPU. A bot that
 * receives nothing does not need to: it gives its RTCPeerConnection only the offer's first m-lines (enough
 * for ICE and DTLS to come up on the bundled transport, as with any client) and answers every other m-line
 * itself with `a=inactive` (or rejects it, port 0, where the offer rejected it). Janus forwards nothing on an
 * inactive m-line; the bot also turns every stream off with `subscribe.configure` as a client that receives
 * nothing would. When the m-lines it gave its connection did not change, it re-uses its last answer for them
 * and does not touch the connection at all.
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

/** The part of an m-section that matters for the answer (what the offer asks of this m-line). */
function signature(section: string[]): string {
  return section
    .filter((l) => !l.startsWith("a=candidate") && !l.startsWith("a=end-of-candidates"))
    .join("\n");
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

/** Answers offers for a bot that receives nothing, applying as little of each as it can to `pc`. */
export class LeanAnswerer {
  /** How many leading m-lines the connection has been given (never shrinks: m-lines are never removed). */
  #applied = 0;
  #lastSignature = "";
  #lastAnswer: ParsedSdp | undefined;
  #version = 2;
  /** Offers answered without touching the connection. */
  reused = 0;

  constructor(readonly pc: RTCPeerConnection) {}

  async answer(offerSdp: string): Promise<string> {
    const offer = parseSdp(offerSdp);
    // Give the connection the m-lines up to the first one that is not rejected (it carries the transport).
    const carrier = offer.media.findIndex((m) => !rejected(m));
    const count = Math.max(this.#applied, carrier + 1, 1);
    const head = offer.media.slice(0, count);
    const sig = head.map(signature).join("\n--\n");
    let headAnswer: ParsedSdp;
    if (sig === this.#lastSignature && this.#lastAnswer) {
      headAnswer = this.#lastAnswer;
      this.reused++;
    } else {
      const lean: ParsedSdp = {
        session: withBundle(
          offer.session,
          head.filter((m) => !rejected(m)).flatMap((m) => midOf(m) ?? []),
        ),
        media: head,
      };
      await this.pc.setRemoteDescription({ type: "offer", sdp: writeSdp(lean) });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      headAnswer = parseSdp(answer.sdp ?? "");
      this.#lastAnswer = headAnswer;
      this.#lastSignature = sig;
      this.#applied = count;
    }
    // Transport attributes (ICE, DTLS) of the connection's answer, repeated on every synthesized m-section.
    const carrierAnswer = headAnswer.media.find((m) => !rejected(m)) ?? [];
    const transport = carrierAnswer.filter((l) =>
      /^a=(ice-ufrag|ice-pwd|ice-options|fingerprint|setup):/.test(l),
    );
    const media = [...headAnswer.media];
    for (const section of offer.media.slice(count)) media.push(answerSection(section, transport, false));
    const bundled = media.filter((m) => !rejected(m)).flatMap((m) => midOf(m) ?? []);
    const session = withBundle(headAnswer.session, bundled).map((l) =>
      // A fresh version for every answer we send (RFC 3264 §8): the o= line is ours.
      l.startsWith("o=") ? l.replace(/^(o=\S+ \S+ )\d+/, `$1${this.#version++}`) : l,
    );
    return writeSdp({ session, media });
  }
}
