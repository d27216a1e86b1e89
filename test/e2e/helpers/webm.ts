/**
 * Checking a local recording without trusting the recorder: inspectWebm reads the WebM container that
 * MediaRecorder wrote (its tracks, how many blocks each carries, the span of their timestamps), and
 * decodeInPage has the browser itself play the file back, so "it decodes" means frames were painted and
 * sound came out, not merely that the bytes look like WebM.
 *
 * Chromium's MediaRecorder writes as it goes, so the Segment and every Cluster have the "unknown size"
 * marker: such an element ends where an element of its own level or above starts (RFC 8794 §6.2), which is
 * why the parser knows the level of the elements that can close one.
 */
import type { Page } from "playwright-core";

export interface WebmTrack {
  number: number;
  type: "video" | "audio" | "other";
  codec: string;
  width?: number;
  height?: number;
  channels?: number;
  samplingHz?: number;
}

export interface WebmSummary {
  tracks: WebmTrack[];
  /** Per track number, how many SimpleBlocks and Blocks carry it. */
  blocks: Map<number, number>;
  /** Earliest and latest block timestamps, in ms (0 and 0 when there is no block). */
  firstMs: number;
  lastMs: number;
  /** lastMs - firstMs: the last frame's own duration is not known from the container, so not counted. */
  durationMs: number;
  /** Video key frames: SimpleBlocks with the key flag, BlockGroups without a ReferenceBlock. */
  keyframes: number;
}

const ID = {
  EBML: 0x1a45dfa3,
  DocType: 0x4282,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Audio: 0xe1,
  SamplingFrequency: 0xb5,
  Channels: 0x9f,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  ReferenceBlock: 0xfb,
  Cues: 0x1c53bb6b,
  Tags: 0x1254c367,
  Chapters: 0x1043a770,
  Attachments: 0x1941a469,
} as const;

/**
 * The masters worth entering, each with the parent it must be found in: anything else (SeekHead, Cues, a
 * Video inside something that is not a TrackEntry...) is skipped whole, so the stack can never grow deeper
 * than this tree, whatever the bytes say.
 */
const MASTER_PARENT = new Map<number, number>([
  [ID.EBML, 0],
  [ID.Segment, 0],
  [ID.Info, ID.Segment],
  [ID.Tracks, ID.Segment],
  [ID.Cluster, ID.Segment],
  [ID.TrackEntry, ID.Tracks],
  [ID.Video, ID.TrackEntry],
  [ID.Audio, ID.TrackEntry],
  [ID.BlockGroup, ID.Cluster],
]);

/** Level of the elements that may end an unknown-size master (one of that level or above starts). */
const LEVEL = new Map<number, number>([
  [ID.EBML, 0],
  [ID.Segment, 0],
  ...[ID.SeekHead, ID.Info, ID.Tracks, ID.Cluster, ID.Cues, ID.Tags, ID.Chapters, ID.Attachments].map(
    (id) => [id, 1] as [number, number],
  ),
  ...[ID.TrackEntry, ID.Timecode, ID.SimpleBlock, ID.BlockGroup].map((id) => [id, 2] as [number, number]),
  ...[ID.Video, ID.Audio, ID.Block, ID.ReferenceBlock].map((id) => [id, 3] as [number, number]),
]);

const hex = (id: number) => `0x${id.toString(16).toUpperCase()}`;

/** A variable-length integer: its length from the first byte's leading zeros, its value, all-ones or not. */
function readVint(
  bytes: Uint8Array,
  pos: number,
  end: number,
  maxLength: number,
  what: string,
  keepMarker: boolean,
) {
  const first = bytes[pos];
  if (first === undefined || pos >= end) throw new Error(`WebM truncated: ${what} expected at byte ${pos}`);
  const length = first === 0 ? 9 : Math.clz32(first) - 23;
  if (length > maxLength) {
    throw new Error(`not EBML: ${what} at byte ${pos} starts with 0x${first.toString(16)} (no valid length)`);
  }
  if (pos + length > end) throw new Error(`WebM truncated: ${what} at byte ${pos} cut short`);
  const markerMask = 0xff >> length;
  let value = keepMarker ? first : first & markerMask;
  let allOnes = (first & markerMask) === markerMask;
  for (let i = 1; i < length; i++) {
    const b = bytes[pos + i] as number;
    // Beyond 2^53 the value is imprecise, but such a size is far past any buffer and is rejected anyway.
    value = value * 256 + b;
    allOnes &&= b === 0xff;
  }
  return { value, length, allOnes };
}

function readUint(bytes: Uint8Array, start: number, size: number): number {
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + (bytes[start + i] as number);
  return value;
}

function readFloat(bytes: Uint8Array, start: number, size: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, size);
  if (size === 4) return view.getFloat32(0);
  if (size === 8) return view.getFloat64(0);
  if (size === 0) return 0;
  throw new Error(`WebM: a float of ${size} bytes at byte ${start}`);
}

interface Open {
  id: number;
  /** Where it ends: its own size, or for an unknown size, where its parent ends. */
  end: number;
  unknownSize: boolean;
}

interface PendingBlock {
  track: number;
  ticks: number;
  /** Byte of the block's flags (SimpleBlock: 0x80 is "key frame"). */
  flagsAt: number;
}

const text = (bytes: Uint8Array, start: number, size: number) =>
  new TextDecoder().decode(bytes.subarray(start, start + size)).replace(/\0+$/, "");

/** Reads a WebM file's tracks and block timing. Throws on input that is not EBML, or is cut short. */
export function inspectWebm(bytes: Uint8Array): WebmSummary {
  const tracks: WebmTrack[] = [];
  const blocks = new Map<number, number>();
  const keyframesByTrack = new Map<number, number>();
  let timecodeScale = 1_000_000;
  let minTicks = Number.POSITIVE_INFINITY;
  let maxTicks = Number.NEGATIVE_INFINITY;
  let sawSegment = false;
  let track: Partial<WebmTrack> & { typeCode?: number } = {};
  let clusterTicks: number | undefined;
  let groupBlock: PendingBlock | undefined;
  let groupReferenced = false;
  const stack: Open[] = [];

  const countBlock = (b: PendingBlock, key: boolean) => {
    blocks.set(b.track, (blocks.get(b.track) ?? 0) + 1);
    if (key) keyframesByTrack.set(b.track, (keyframesByTrack.get(b.track) ?? 0) + 1);
    minTicks = Math.min(minTicks, b.ticks);
    maxTicks = Math.max(maxTicks, b.ticks);
  };

  const blockHeader = (start: number, size: number): PendingBlock => {
    const number = readVint(bytes, start, start + size, 8, "block track number", false);
    const at = start + number.length;
    if (at + 3 > start + size) throw new Error(`WebM: block at byte ${start} too short for its header`);
    if (clusterTicks === undefined) {
      throw new Error(`WebM: block at byte ${start} before its Cluster Timecode`);
    }
    // The timecode relative to the cluster's is a signed 16-bit integer: blocks may precede their cluster.
    const relative = (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16)) >> 16;
    return { track: number.value, ticks: clusterTicks + relative, flagsAt: at + 2 };
  };

  const readLeaf = (id: number, parentId: number | undefined, start: number, size: number) => {
    if (parentId === ID.EBML && id === ID.DocType) {
      const docType = text(bytes, start, size);
      if (docType !== "webm" && docType !== "matroska") throw new Error(`not WebM: DocType "${docType}"`);
    } else if (parentId === ID.Info && id === ID.TimecodeScale) {
      timecodeScale = readUint(bytes, start, size);
    } else if (parentId === ID.TrackEntry) {
      if (id === ID.TrackNumber) track.number = readUint(bytes, start, size);
      else if (id === ID.TrackType) track.typeCode = readUint(bytes, start, size);
      else if (id === ID.CodecID) track.codec = text(bytes, start, size);
    } else if (parentId === ID.Video) {
      if (id === ID.PixelWidth) track.width = readUint(bytes, start, size);
      else if (id === ID.PixelHeight) track.height = readUint(bytes, start, size);
    } else if (parentId === ID.Audio) {
      if (id === ID.Channels) track.channels = readUint(bytes, start, size);
      else if (id === ID.SamplingFrequency) track.samplingHz = readFloat(bytes, start, size);
    } else if (parentId === ID.Cluster) {
      if (id === ID.Timecode) clusterTicks = readUint(bytes, start, size);
      else if (id === ID.SimpleBlock) {
        const b = blockHeader(start, size);
        countBlock(b, ((bytes[b.flagsAt] as number) & 0x80) !== 0);
      }
    } else if (parentId === ID.BlockGroup) {
      if (id === ID.Block) groupBlock = blockHeader(start, size);
      else if (id === ID.ReferenceBlock) groupReferenced = true;
    }
  };

  const open = (id: number, end: number, unknownSize: boolean) => {
    stack.push({ id, end, unknownSize });
    if (id === ID.Segment) sawSegment = true;
    else if (id === ID.TrackEntry) track = {};
    else if (id === ID.BlockGroup) {
      groupBlock = undefined;
      groupReferenced = false;
    }
  };

  const close = () => {
    const done = stack.pop() as Open;
    if (done.id === ID.TrackEntry) {
      const { typeCode, number, codec, ...rest } = track;
      if (number === undefined) throw new Error("WebM: a TrackEntry without a TrackNumber");
      const type = typeCode === 1 ? "video" : typeCode === 2 ? "audio" : "other";
      tracks.push({ number, type, codec: codec ?? "", ...rest });
    } else if (done.id === ID.BlockGroup) {
      // A Block that references no other is a key frame.
      if (groupBlock) countBlock(groupBlock, !groupReferenced);
    } else if (done.id === ID.Cluster) {
      clusterTicks = undefined;
    }
  };

  let pos = 0;
  // Each turn closes an open element or moves pos on by at least its two header bytes: it always ends.
  while (pos < bytes.length) {
    while (stack.length > 0 && pos >= (stack[stack.length - 1] as Open).end) close();
    const idVint = readVint(bytes, pos, bytes.length, 4, "element ID", true);
    const id = idVint.value;
    if (pos === 0 && id !== ID.EBML) throw new Error(`not EBML: starts with ${hex(id)}, not an EBML header`);
    const level = LEVEL.get(id);
    if (level !== undefined) {
      for (let top = stack[stack.length - 1]; top?.unknownSize; top = stack[stack.length - 1]) {
        if (level > (LEVEL.get(top.id) ?? 0)) break;
        close();
      }
    }
    const parent = stack[stack.length - 1];
    const limit = parent?.end ?? bytes.length;
    const sizeVint = readVint(bytes, pos + idVint.length, limit, 8, `size of ${hex(id)}`, false);
    const start = pos + idVint.length + sizeVint.length;
    const isMaster = MASTER_PARENT.get(id) === (parent?.id ?? 0);
    if (sizeVint.allOnes) {
      if (!isMaster) throw new Error(`WebM: ${hex(id)} at byte ${pos} has an unknown size`);
      open(id, limit, true);
      pos = start;
      continue;
    }
    const size = sizeVint.value;
    if (start + size > limit) {
      throw new Error(
        `WebM truncated: ${hex(id)} at byte ${pos} needs ${size} bytes, ${limit - start} left in its parent`,
      );
    }
    if (isMaster) {
      open(id, start + size, false);
      pos = start;
    } else {
      readLeaf(id, parent?.id, start, size);
      pos = start + size;
    }
  }
  while (stack.length > 0) close();

  if (!sawSegment) throw new Error("not WebM: no Segment after the EBML header");
  const videoTracks = new Set(tracks.filter((t) => t.type === "video").map((t) => t.number));
  let keyframes = 0;
  for (const [number, count] of keyframesByTrack) if (videoTracks.has(number)) keyframes += count;
  const hasBlocks = minTicks <= maxTicks;
  const toMs = (ticks: number) => (ticks * timecodeScale) / 1e6;
  const firstMs = hasBlocks ? toMs(minTicks) : 0;
  const lastMs = hasBlocks ? toMs(maxTicks) : 0;
  return { tracks, blocks, firstMs, lastMs, durationMs: lastMs - firstMs, keyframes };
}

/**
 * Page-side, as plain JavaScript: a function handed to page.evaluate() after a TypeScript transform can carry
 * helper calls (e.g. __name) that do not exist in the page. The element goes through Web Audio so the sound
 * is measured, not assumed; the peak of the RMS over short windows, since a fake microphone beeps.
 */
const DECODE_SCRIPT = `async (base64, seconds) => {
  const raw = atob(base64);
  const data = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([data], { type: "video/webm" }));
  const video = document.createElement("video");
  video.muted = false;
  video.playsInline = true;
  (document.body || document.documentElement).append(video);
  const ctx = new AudioContext();
  try {
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    ctx.createMediaElementSource(video).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    video.src = url;
    await ctx.resume();
    let timer;
    const stuck = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("the recording did not start playing in 10 s")), 10000);
    });
    const failed = new Promise((_, reject) => {
      video.addEventListener("error", () => {
        const e = video.error;
        reject(new Error("the recording does not decode: " + (e ? e.code + " " + e.message : "no detail")));
      });
    });
    try {
      await Promise.race([video.play(), stuck, failed]);
    } finally {
      clearTimeout(timer);
    }
    let peak = 0;
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until && !video.ended && !video.error) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
      peak = Math.max(peak, Math.sqrt(sum / samples.length));
    }
    if (video.error) throw new Error("the recording stopped decoding: " + video.error.code + " " + video.error.message);
    video.pause();
    // How much the picture varies (standard deviation of the luma of a 160x90 copy): a flat picture, such as
    // a recording of empty tiles, stays near 0; faces or the fake camera's moving pattern do not.
    const canvas = document.createElement("canvas");
    canvas.width = 160;
    canvas.height = 90;
    const g = canvas.getContext("2d");
    g.drawImage(video, 0, 0, 160, 90);
    const px = g.getImageData(0, 0, 160, 90).data;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < px.length; i += 4) {
      const y = 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
      s1 += y;
      s2 += y * y;
    }
    const n = px.length / 4;
    const lumaSpread = Math.sqrt(Math.max(0, s2 / n - (s1 / n) * (s1 / n)));
    return {
      videoFrames: video.getVideoPlaybackQuality().totalVideoFrames,
      audioRms: peak,
      lumaSpread,
      width: video.videoWidth,
      height: video.videoHeight,
    };
  } finally {
    video.remove();
    URL.revokeObjectURL(url);
    await ctx.close();
  }
}`;

/**
 * Plays the recording in `page` (any page of the app's origin; Chromium started with
 * --autoplay-policy=no-user-gesture-required, so sound plays unprompted) for `seconds`, or until it ends.
 */
export async function decodeInPage(
  page: Page,
  bytes: Uint8Array,
  seconds = 2,
): Promise<{ videoFrames: number; audioRms: number; lumaSpread: number; width: number; height: number }> {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return page.evaluate(`(${DECODE_SCRIPT})(${JSON.stringify(base64)}, ${Number(seconds)})`);
}
