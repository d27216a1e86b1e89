/**
 * A subscribe connection that counts what arrives without decrypting or decoding it. The libwebrtc binding
 * decodes every video it receives (it has no way to skip that), so five libwebrtc subscribers receiving the 30
 * videos of a 30-person room took most of a core on their own; a load bot that reports what it receives has
 * no use for pixels. SRTP encrypts an RTP packet's payload but leaves its header in the clear, and the header
 * says all a count needs: whose stream (SSRC, announced per m-line in the offer) and where a video frame ends
 * (the marker bit). So this receiver lets werift's WebRTC stack (TypeScript) answer, run ICE and the DTLS
 * handshake the media server requires, then reads each datagram's header itself instead of letting werift
 * decrypt and route the packet (profiled: that cost about as much CPU as libwebrtc's decoding).
 */
import type { RTCDtlsTransport, RTCPeerConnection } from "werift";
import {
  emptyIn,
  type InCounters,
  type PeerOptions,
  type Receiver,
  stripNonLoopbackCandidates,
} from "./media.js";
import { answerSection, midOf, type ParsedSdp, parseSdp, rejected, withBundle, writeSdp } from "./sdp.js";
import { loopbackPeer, whenConnected } from "./werift-peer.js";

interface Transport {
  /** Session lines of werift's answer (o=, ice-lite, …). */
  session: string[];
  /** ICE and DTLS attributes of its m-section, repeated on each of ours. */
  attributes: string[];
  candidates: string[];
}

interface MidCount {
  kind: string;
  packets: number;
  frames: number;
}

export class CountingReceiver implements Receiver {
  readonly #pc: RTCPeerConnection;
  readonly #byMid = new Map<string, MidCount>();
  /** SSRC → the count of its m-line, from the latest offer. */
  #bySsrc = new Map<number, MidCount>();
  #bytes = 0;
  #state = "new";
  #closed = false;
  /** What every answer repeats of werift's first one. */
  #transport: Transport | undefined;
  #version = 2;

  /** `receive` false: every m-line is answered inactive (a bot that is only present). */
  constructor(
    opts: PeerOptions,
    readonly receive = true,
  ) {
    this.#pc = loopbackPeer(opts.onCandidate);
    this.#pc.connectionStateChange.subscribe((state) => {
      if (!this.#closed) this.#state = state;
    });
  }

  get state(): string {
    return this.#state;
  }

  connected(timeoutMs: number): Promise<void> {
    return whenConnected(this.#pc, timeoutMs);
  }

  /**
   * werift is given the first offer's first receivable m-line (enough for ICE and DTLS on the bundled
   * transport) and nothing after: every answer is written here, each m-line receiving what its offer sends
   * on that transport. werift has no use for the others (its media path is bypassed, see `#tap`), and its
   * renegotiation fails on some of the media server's offers (an m-line that went inactive and is reused).
   */
  async answer(offerSdp: string): Promise<string> {
    const offer = parseSdp(offerSdp);
    this.#learnSsrcs(offer);
    this.#transport ??= await this.#connect(offer);
    const { session, attributes, candidates } = this.#transport;
    let withCandidates = false;
    const media = offer.media.map((section) => {
      const answer = answerSection(section, attributes, this.receive);
      if (rejected(section) || withCandidates) return answer;
      withCandidates = true;
      return [...answer, ...candidates];
    });
    const bundled = offer.media.filter((m) => !rejected(m)).flatMap((m) => midOf(m) ?? []);
    const lines = withBundle(session, bundled).map((l) =>
      // A fresh version for every answer (RFC 3264 §8): the o= line is ours.
      l.startsWith("o=") ? l.replace(/^(o=\S+ \S+ )\d+/, `$1${this.#version++}`) : l,
    );
    return writeSdp({ session: lines, media });
  }

  async #connect(offer: ParsedSdp): Promise<Transport> {
    const carrier = offer.media.find((m) => !rejected(m));
    if (!carrier) throw new Error("an offer with no m-line to receive on");
    const lean = { session: withBundle(offer.session, [midOf(carrier) ?? ""]), media: [carrier] };
    await this.#pc.setRemoteDescription({ type: "offer", sdp: writeSdp(lean) });
    for (const transport of this.#pc.dtlsTransports) this.#tap(transport);
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    const answer = parseSdp(stripNonLoopbackCandidates(this.#pc.localDescription?.sdp ?? ""));
    const section = answer.media[0] ?? [];
    return {
      session: answer.session,
      attributes: section.filter(
        (l) => /^a=(ice-ufrag|ice-pwd|ice-options|fingerprint|setup):/.test(l) || l === "a=ice-lite",
      ),
      candidates: section.filter((l) => l.startsWith("a=candidate:") || l === "a=end-of-candidates"),
    };
  }

  async counters(): Promise<InCounters> {
    const c = emptyIn();
    c.bytes = this.#bytes;
    for (const [mid, count] of this.#byMid) {
      if (count.kind === "audio") c.audioPackets += count.packets;
      else {
        c.videoPackets += count.packets;
        c.frames += count.frames;
      }
      c.byMid.set(mid, { ...count });
    }
    return c;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state = "closed";
    void this.#pc.close().catch(() => {});
  }

  /** Each m-line of the media server's offer announces the one SSRC it will send with (a=ssrc). */
  #learnSsrcs(offer: ParsedSdp): void {
    const bySsrc = new Map<number, MidCount>();
    for (const section of offer.media) {
      const mid = midOf(section);
      const ssrc = Number(
        section
          .find((l) => l.startsWith("a=ssrc:"))
          ?.slice(7)
          .split(" ")[0],
      );
      if (mid === undefined || !Number.isInteger(ssrc)) continue;
      const kind = (section[0] ?? "").slice(2).split(" ")[0] ?? "";
      let count = this.#byMid.get(mid);
      if (!count || count.kind !== kind) {
        count = { kind, packets: 0, frames: 0 };
        this.#byMid.set(mid, count);
      }
      bySsrc.set(ssrc, count);
    }
    this.#bySsrc = bySsrc;
  }

  /**
   * werift starts SRTP on a transport once DTLS is up: it derives the keys, then decrypts, parses and routes
   * every packet. Here it still derives the keys, and the datagrams go to `#onDatagram` instead. werift's
   * receivers then see no packet, so they send no RTCP either (the media server does not need it).
   */
  #tap(transport: RTCDtlsTransport): void {
    transport.startSrtp = () => {
      if (transport.srtpStarted) return;
      transport.srtpStarted = true;
      transport.updateSrtpSession();
      transport.iceTransport.connection.onData.subscribe((data) => this.#onDatagram(data));
    };
  }

  #onDatagram(data: Buffer): void {
    const header = rtpHeaderOf(data);
    const count = header && this.#bySsrc.get(header.ssrc);
    if (!count) return;
    count.packets++;
    this.#bytes += data.length;
    if (count.kind === "video" && header.marker) count.frames++;
  }
}

/**
 * The clear part of an SRTP packet's header that a count needs, or undefined for anything else on the port
 * (DTLS, STUN, RTCP: payload types 192-223 there are RTCP, RFC 5761).
 */
export function rtpHeaderOf(data: Buffer): { ssrc: number; marker: boolean } | undefined {
  if (data.length < 12 || (data[0] ?? 0) >> 6 !== 2) return undefined;
  const second = data[1] ?? 0;
  if (second >= 192 && second <= 223) return undefined;
  return { ssrc: data.readUInt32BE(8), marker: (second & 0x80) !== 0 };
}
