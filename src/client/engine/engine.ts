/**
 * The media engine: the two peer connections a participant keeps with the media server (publish up,
 * subscribe down), negotiated through the signal client. It knows nothing of the UI; it reports remote
 * tracks and connection health through callbacks.
 */
import type { IceServer, ServerMessageOf, StreamInfo } from "../../protocol/messages.js";
import type { SignalClient } from "../signal/signal-client.js";
import type { MediaKind } from "./local-media.js";
import { Publisher } from "./publisher.js";
import { ScreenSender } from "./screen-sender.js";
import type { VideoLayer } from "./send-layers.js";
import { type RemoteTracks, Subscriber } from "./subscriber.js";
import type { TransformsSource } from "./transforms.js";

/** Health of the media as a whole: the worse of the two connections. */
export type MediaHealth = "connecting" | "connected" | "unstable" | "failed";

export interface EngineCallbacks {
  onRemoteTracks(participantId: string, tracks: RemoteTracks): void;
  onHealth(health: MediaHealth): void;
  /** End-to-end encryption's transforms, when the meeting has them (engine/transforms.ts). */
  transforms?: TransformsSource;
}

function healthOf(state: RTCPeerConnectionState | undefined): MediaHealth {
  switch (state) {
    case "connected":
    case undefined: // no subscribe connection yet: nothing to receive, nothing wrong
      return "connected";
    case "disconnected":
      return "unstable";
    case "failed":
      return "failed";
    default:
      return "connecting";
  }
}

const HEALTH_ORDER: MediaHealth[] = ["connected", "connecting", "unstable", "failed"];

export class Engine {
  private readonly publisher: Publisher;
  private readonly subscriber: Subscriber;
  /** The screen share's m-lines on the publish connection (features/screen-share drives it). */
  readonly screen: ScreenSender;
  private subscribeState: RTCPeerConnectionState | undefined;
  private restarted = false;
  private closed = false;

  constructor(
    signal: SignalClient,
    iceServers: readonly IceServer[],
    localStream: MediaStream,
    private readonly callbacks: EngineCallbacks,
  ) {
    const transforms = callbacks.transforms ?? (() => null);
    this.publisher = new Publisher(signal, iceServers, localStream, transforms);
    this.publisher.pc.addEventListener("connectionstatechange", () => this.onPublishState());
    this.screen = new ScreenSender(this.publisher);
    this.subscriber = new Subscriber(
      signal,
      iceServers,
      callbacks.onRemoteTracks,
      (state) => {
        this.subscribeState = state;
        this.reportHealth();
      },
      transforms,
    );
  }

  /** Sends the publish offer and applies the answer. */
  publish(): Promise<void> {
    return this.publisher.negotiate();
  }

  handleSubscribeOffer(msg: ServerMessageOf<"subscribe.offer">): Promise<void> {
    return this.subscriber.handleOffer(msg.jsep.sdp, msg.streams);
  }

  remoteTracksOf(participantId: string): RemoteTracks {
    return this.subscriber.tracksOf(participantId);
  }

  replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    return this.publisher.replaceTrack(kind, track);
  }

  setSending(kind: MediaKind, on: boolean): Promise<void> {
    return this.publisher.setSending(kind, on);
  }

  /** Sends the camera's simulcast layers up to `layer` only (features/quality); -1: no video at all. */
  setMaxVideoLayer(layer: VideoLayer): Promise<void> {
    return this.publisher.setMaxVideoLayer(layer);
  }

  /** The remote streams of the last subscribe offer answered: the mids `subscribe.configure` may name. */
  subscribedStreams(): readonly StreamInfo[] {
    return this.subscriber.answeredStreams();
  }

  /** Calls `listener` after each subscribe offer is answered (and accepted); returns the unsubscribe. */
  onSubscribed(listener: (streams: readonly StreamInfo[]) => void): () => void {
    return this.subscriber.onAnswered(listener);
  }

  /** The subscribe connection's statistics (null before it exists): features/adaptation reads them. */
  subscribeStats(): Promise<RTCStatsReport | null> {
    return this.subscriber.stats();
  }

  /** The publish connection's statistics. */
  publishStats(): Promise<RTCStatsReport | null> {
    return this.closed ? Promise.resolve(null) : this.publisher.pc.getStats();
  }

  close(): void {
    this.closed = true;
    this.publisher.close();
    this.subscriber.close();
  }

  private onPublishState(): void {
    if (this.closed) return;
    // One ICE restart when the path breaks (a network change); the protocol allows publishing again.
    if (this.publisher.pc.connectionState === "failed" && !this.restarted) {
      this.restarted = true;
      this.publisher.negotiate({ iceRestart: true }).catch((err: unknown) => {
        console.warn("palabre: ICE restart of the publish connection failed", err);
      });
    }
    this.reportHealth();
  }

  private reportHealth(): void {
    if (this.closed) return;
    const publish = healthOf(this.publisher.pc.connectionState);
    const subscribe = healthOf(this.subscribeState);
    const worst = HEALTH_ORDER.indexOf(publish) >= HEALTH_ORDER.indexOf(subscribe) ? publish : subscribe;
    this.callbacks.onHealth(worst);
  }
}
