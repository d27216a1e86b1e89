/**
 * The WebM reader the recording tests rely on, on files written here byte by byte: with known sizes, and
 * with the unknown sizes Chromium's MediaRecorder gives the Segment and each Cluster when it records in
 * slices; then cut short, corrupted and random input, which must end in an Error, never in a hang.
 */
import { describe, expect, it } from "vitest";
import { inspectWebm } from "../e2e/helpers/webm.js";

type Bytes = Uint8Array | number[];

const concat = (parts: Bytes[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

/** An element ID as written: its marker bits are part of it, so it is just its big-endian bytes. */
function idBytes(id: number): number[] {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return out;
}

/** A size as a VINT of `length` bytes (the shortest by default); all value bits set means "unknown". */
function sizeBytes(size: number | "unknown", length?: number): number[] {
  if (size === "unknown") {
    const n = length ?? 1;
    return [0xff >> (n - 1), ...Array<number>(n - 1).fill(0xff)];
  }
  let n = length ?? 1;
  while (length === undefined && size >= 2 ** (7 * n) - 1) n++;
  const out: number[] = [];
  for (let i = 0, v = size; i < n; i++, v = Math.floor(v / 256)) out.unshift(v % 256);
  out[0] = (out[0] as number) | (0x80 >> (n - 1));
  return out;
}

const el = (id: number, ...children: Bytes[]) => {
  const body = concat(children);
  return concat([idBytes(id), sizeBytes(body.length), body]);
};
/** As MediaRecorder writes a slice-by-slice recording: an 8-byte size, all ones. */
const unknownSized = (id: number, ...children: Bytes[]) =>
  concat([idBytes(id), sizeBytes("unknown", 8), ...children]);

const uint = (id: number, value: number) => {
  const out: number[] = [];
  for (let v = value; v > 0 || out.length === 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return el(id, out);
};
const str = (id: number, s: string) => el(id, [...new TextEncoder().encode(s)]);
const float = (id: number, value: number, bytes: 4 | 8 = 8) => {
  const view = new DataView(new ArrayBuffer(bytes));
  if (bytes === 4) view.setFloat32(0, value);
  else view.setFloat64(0, value);
  return el(id, new Uint8Array(view.buffer));
};

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TRACKS = 0x1654ae6b;
const CLUSTER = 0x1f43b675;
const CUES = 0x1c53bb6b;
const VOID = 0xec;
const BLOCK_GROUP = 0xa0;

const header = (docType = "webm") => el(EBML, uint(0x4286, 1), str(0x4282, docType), uint(0x4287, 4));
const info = (scale?: number) =>
  el(INFO, ...(scale === undefined ? [] : [uint(0x2ad7b1, scale)]), str(0x4d80, "test"));
const videoTrack = (n: number) =>
  el(0xae, uint(0xd7, n), uint(0x83, 1), str(0x86, "V_VP8"), el(0xe0, uint(0xb0, 640), uint(0xba, 480)));
const audioTrack = (n: number, floatBytes: 4 | 8 = 8) =>
  el(
    0xae,
    uint(0xd7, n),
    uint(0x83, 2),
    str(0x86, "A_OPUS"),
    el(0xe1, float(0xb5, 48_000, floatBytes), uint(0x9f, 2)),
  );
const tracks = () => el(TRACKS, videoTrack(1), audioTrack(2));

/** Track number, then the timecode relative to the cluster's (signed 16 bits), flags, a little payload. */
const blockBody = (track: number, relative: number, flags: number) => [
  0x80 | track,
  (relative >> 8) & 0xff,
  relative & 0xff,
  flags,
  0xde,
  0xad,
];
const simpleBlock = (track: number, relative: number, key = false) =>
  el(0xa3, blockBody(track, relative, key ? 0x80 : 0));
const blockGroup = (track: number, relative: number, referenced: boolean) =>
  el(BLOCK_GROUP, el(0xa1, blockBody(track, relative, 0)), ...(referenced ? [el(0xfb, [0xff])] : []));

const cluster = (unknown: boolean, timecode: number, ...blocks: Uint8Array[]) =>
  (unknown ? unknownSized : el)(CLUSTER, uint(0xe7, timecode), ...blocks);

/**
 * Two tracks, two clusters, each with a block stamped before the cluster's own timecode (the audio at
 * timecode - 20 is the earliest of all), then Cues. In ticks: 0 to 1500.
 */
function recording(opts: { unknown: boolean; scale?: number; timecodes?: [number, number] }): Uint8Array {
  const [t1, t2] = opts.timecodes ?? [20, 1000];
  const body = [
    info(opts.scale),
    tracks(),
    el(VOID, [0, 0, 0]),
    cluster(
      opts.unknown,
      t1,
      simpleBlock(1, 0, true),
      simpleBlock(2, -20),
      blockGroup(1, 33, true),
      simpleBlock(2, 30),
    ),
    cluster(
      opts.unknown,
      t2,
      simpleBlock(2, -40),
      blockGroup(1, 0, false),
      simpleBlock(1, 33),
      simpleBlock(2, 20),
      simpleBlock(1, 500),
    ),
    // Cues' children (CuePoint 0xBB...) would be taken for a Cluster's if the Cluster did not end here.
    el(CUES, el(0xbb, uint(0xb3, 0), el(0xb7, uint(0xf7, 1), uint(0xf1, 100)))),
  ];
  return concat([header(), (opts.unknown ? unknownSized : el)(SEGMENT, ...body)]);
}

/** Small deterministic PRNG (mulberry32): the same "random" bytes on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the summary, or the Error; anything but one of the parser's own errors fails the test. */
function inspectOrError(bytes: Uint8Array) {
  try {
    return inspectWebm(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^(not EBML|not WebM|WebM)/);
    return error as Error;
  }
}

describe("inspectWebm", () => {
  it("finds both tracks with their types, codecs and formats", () => {
    const summary = inspectWebm(recording({ unknown: true }));
    expect(summary.tracks).toEqual([
      { number: 1, type: "video", codec: "V_VP8", width: 640, height: 480 },
      { number: 2, type: "audio", codec: "A_OPUS", channels: 2, samplingHz: 48_000 },
    ]);
    const fourByteFloat = concat([
      header(),
      unknownSized(SEGMENT, info(), el(TRACKS, audioTrack(7, 4), el(0xae, uint(0xd7, 9), uint(0x83, 0x11)))),
    ]);
    expect(inspectWebm(fourByteFloat).tracks).toEqual([
      { number: 7, type: "audio", codec: "A_OPUS", channels: 2, samplingHz: 48_000 },
      { number: 9, type: "other", codec: "" },
    ]);
  });

  it("counts blocks per track and video key frames, and spans their timestamps across clusters", () => {
    for (const unknown of [true, false]) {
      const summary = inspectWebm(recording({ unknown }));
      expect(summary.blocks).toEqual(
        new Map([
          [1, 5],
          [2, 4],
        ]),
      );
      expect(summary.keyframes).toBe(2); // the key SimpleBlock, and the BlockGroup with no ReferenceBlock
      expect([summary.firstMs, summary.lastMs, summary.durationMs]).toEqual([0, 1500, 1500]);
    }
  });

  it("reads the relative timecode as signed 16 bits", () => {
    const edges = concat([
      header(),
      unknownSized(
        SEGMENT,
        info(),
        tracks(),
        cluster(true, 500, simpleBlock(2, -32768), simpleBlock(1, 32767)),
      ),
    ]);
    expect(inspectWebm(edges)).toMatchObject({ firstMs: -32268, lastMs: 33267, durationMs: 65535 });
  });

  it("converts with the file's TimecodeScale, 1 ms when it says none", () => {
    // 100 µs ticks: 1500 ticks are 150 ms.
    expect(inspectWebm(recording({ unknown: true, scale: 100_000 })).durationMs).toBe(150);
    expect(inspectWebm(recording({ unknown: false, scale: 1_000_000 })).durationMs).toBe(1500);
    const tenMs = inspectWebm(recording({ unknown: true, scale: 10_000_000, timecodes: [300, 600] }));
    expect([tenMs.firstMs, tenMs.lastMs]).toEqual([2800, 11000]); // 300 - 20 and 600 + 500 ticks of 10 ms
  });

  it("ends an unknown-size cluster at the next cluster, even one with a known size", () => {
    const mixed = concat([
      header(),
      unknownSized(
        SEGMENT,
        info(),
        tracks(),
        cluster(true, 0, simpleBlock(1, 0, true)),
        cluster(false, 40, simpleBlock(1, 0)),
        cluster(true, 80, simpleBlock(2, 0)),
      ),
    ]);
    const summary = inspectWebm(mixed);
    expect(summary.blocks.get(1)).toBe(2);
    expect(summary.blocks.get(2)).toBe(1);
    expect(summary.lastMs).toBe(80);
  });

  it("throws on a file cut short", () => {
    const whole = recording({ unknown: false });
    // A known-size Segment says how long the file is: every proper prefix is missing something.
    for (let length = 0; length < whole.length; length++) {
      expect(() => inspectWebm(whole.subarray(0, length)), `cut at ${length}`).toThrow(/WebM|EBML/);
    }
    // With unknown sizes a cut between two elements cannot be told from the end, but a cut inside one can.
    const live = recording({ unknown: true });
    expect(() => inspectWebm(live.subarray(0, live.length - 3))).toThrow(/WebM truncated/);
    for (let length = 0; length < live.length; length++) inspectOrError(live.subarray(0, length));
  });

  it("throws on input that is not WebM", () => {
    expect(() => inspectWebm(new TextEncoder().encode("RIFF....WAVEfmt "))).toThrow(/not EBML/);
    expect(() => inspectWebm(new Uint8Array([0, 0, 0, 0]))).toThrow(/not EBML/);
    expect(() => inspectWebm(new Uint8Array())).toThrow(/not WebM/);
    expect(() => inspectWebm(concat([header("mkv-ish"), unknownSized(SEGMENT)]))).toThrow(/DocType/);
    expect(() => inspectWebm(header())).toThrow(/no Segment/);
  });

  it("ends, with a summary or an Error, on random and corrupted bytes", () => {
    const random = prng(42);
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      const noise = Uint8Array.from({ length: 1 + Math.floor(random() * 2048) }, () => random() * 256);
      expect(inspectOrError(noise)).toBeInstanceOf(Error);
      // Noise after a valid start, where the parser has to walk through it.
      const prefix = concat([header(), unknownSized(SEGMENT), unknownSized(CLUSTER, uint(0xe7, 0))]);
      inspectOrError(concat([prefix, noise]));
    }
    const original = recording({ unknown: true });
    for (let i = 0; i < 1000; i++) {
      const corrupted = original.slice();
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        corrupted[Math.floor(random() * corrupted.length)] = Math.floor(random() * 256);
      }
      inspectOrError(corrupted);
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
