/** The little SDP reading the media adapter needs. */
import { ErrorCode, ProtocolError } from "../../protocol/errors.js";
import type { Source } from "../../protocol/messages.js";

/** The audio/video m-lines of an SDP, in order: their kind and `a=mid`. */
export function mediaSections(sdp: string): { kind: "audio" | "video"; mid: string }[] {
  const out: { kind: "audio" | "video"; mid: string }[] = [];
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const kind = section.slice(0, section.indexOf(" "));
    const mid = /\r?\na=mid:([^\r\n]+)/.exec(section)?.[1];
    if (mid !== undefined && (kind === "audio" || kind === "video")) out.push({ kind, mid });
  }
  return out;
}

/**
 * What each m-line of a publish offer carries. Declared sources win; the rest follow the protocol's
 * default: first audio the microphone, first video the camera, second video a screen, second audio its sound.
 */
export function sourcesOf(
  sdp: string,
  declared: { mid: string; source: Source }[] = [],
): Map<string, Source> {
  const out = new Map<string, Source>();
  for (const d of declared) out.set(d.mid, d.source);
  const seen = { audio: 0, video: 0 };
  for (const { kind, mid } of mediaSections(sdp)) {
    const nth = seen[kind]++;
    if (out.has(mid)) continue;
    if (kind === "audio") out.set(mid, nth === 0 ? "microphone" : "screen_audio");
    else out.set(mid, nth === 0 ? "camera" : "screen");
  }
  return out;
}

/**
 * Refuses a publish offer whose m-lines could hide a microphone from a moderator's mute: at most one camera
 * and one screen (two videos), and a second audio only beside a screen video (its sound). What a mute cuts
 * is then decided by the m-lines' kinds, not by the labels the client chose (media-publisher.ts).
 */
export function checkPublishShape(sdp: string, sources: ReadonlyMap<string, Source>): void {
  const sections = mediaSections(sdp);
  const audio = sections.filter((s) => s.kind === "audio").length;
  const video = sections.filter((s) => s.kind === "video").length;
  const screen = sections.some((s) => s.kind === "video" && sources.get(s.mid) === "screen");
  if (audio > 2 || video > 2 || (audio === 2 && !screen)) {
    throw new ProtocolError(
      ErrorCode.BadMessage,
      "publish: at most one microphone and one camera, and a screen share with its sound",
    );
  }
}
