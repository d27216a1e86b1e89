/** The little SDP reading the media adapter needs. */

/** The `a=mid` of each audio/video m-line of an SDP, by kind (the first one of each kind). */
export function midsByKind(sdp: string): { audio?: string; video?: string } {
  const out: { audio?: string; video?: string } = {};
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const kind = section.slice(0, section.indexOf(" "));
    const mid = /\r?\na=mid:([^\r\n]+)/.exec(section)?.[1];
    if (mid && (kind === "audio" || kind === "video") && out[kind] === undefined) out[kind] = mid;
  }
  return out;
}
