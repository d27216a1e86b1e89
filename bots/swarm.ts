/**
 * A swarm of load bots in one room: who publishes what, who subscribes, joins with bounded concurrency,
 * aggregated counters for progress lines, and an end-of-run check that media flowed where it should.
 * The participants are Palabre bots (bot.ts) by default; the capacity benchmark plugs raw-Janus bots in
 * through `LoadParticipant` to measure the same media without our server.
 */
import { Bot, type BotReport } from "./bot.js";
import { type AudioMode, emptyOut } from "./media.js";

export interface BotRole {
  name: string;
  audio: AudioMode;
  video: boolean;
  subscribe: boolean;
}

/** What a swarm participant must offer (the Palabre Bot does; so do the benchmark's raw-Janus bots). */
export interface LoadParticipant {
  readonly role: BotRole;
  /** The id the others know this participant by (after start). */
  readonly id: string | undefined;
  /** Work every start of its process shares (made once, before the starts are timed). */
  prepare(): Promise<void>;
  start(): Promise<void>;
  report(): Promise<BotReport>;
  leave(): Promise<void>;
  close(): void;
}

export interface PlanOptions {
  count: number;
  /** How many publish video (the first ones). */
  video: number;
  /** How many receive everyone's media (the last ones). */
  subscribe: number;
  /** How many have their microphone on (the first ones); the others publish a muted audio m-line. */
  unmuted: number;
  /** false: muted bots publish nothing at all (pure presence). */
  mutedPublish: boolean;
  namePrefix: string;
}

/** Roles for `count` bots: video publishers first, subscribers last, unmuted microphones first. */
export function planRoles(p: PlanOptions): BotRole[] {
  const roles: BotRole[] = [];
  for (let i = 0; i < p.count; i++) {
    const video = i < p.video;
    const unmuted = i < p.unmuted;
    const audio: AudioMode = unmuted ? "on" : p.mutedPublish || video ? "muted" : "off";
    roles.push({
      name: `${p.namePrefix}-${String(i + 1).padStart(3, "0")}`,
      audio,
      video,
      subscribe: i >= p.count - p.subscribe,
    });
  }
  return roles;
}

/** A Palabre bot with a role. */
export class PalabreBot extends Bot implements LoadParticipant {
  readonly role: BotRole;
  constructor(
    url: string,
    room: string,
    role: BotRole,
    extra: { decode?: boolean; timeoutMs?: number } = {},
  ) {
    super({ url, room, ...role, ...extra });
    this.role = role;
  }
}

export interface SwarmSample {
  at: number;
  joined: number;
  publishing: number;
  subscribing: number;
  failed: number;
  out: { audioPackets: number; videoPackets: number; videoFrames: number; bytes: number };
  in: { audioPackets: number; videoPackets: number; frames: number; bytes: number };
  wsIn: number;
  wsOut: number;
  reports: BotReport[];
}

export interface FlowCheck {
  /** Bots expected to send (tone or video) that sent packets. */
  sending: number;
  expectedSending: number;
  /** Subscribers that received packets from every sending bot. */
  receivingAll: number;
  expectedReceiving: number;
  problems: string[];
}

export class Swarm {
  readonly members: LoadParticipant[];
  readonly startFailures: string[] = [];

  constructor(members: LoadParticipant[]) {
    this.members = members;
  }

  static palabre(
    url: string,
    room: string,
    roles: BotRole[],
    extra: { decode?: boolean; timeoutMs?: number } = {},
  ): Swarm {
    return new Swarm(roles.map((role) => new PalabreBot(url, room, role, extra)));
  }

  /**
   * Starts every member, `concurrency` at a time (each start = join + publish connected), spacing starts by
   * at least `spacingMs`. Failures are recorded, not thrown.
   */
  async start(opts: { concurrency?: number; spacingMs?: number; deadline?: number } = {}): Promise<void> {
    const concurrency = Math.max(1, opts.concurrency ?? 4);
    // A failure here shows again, with its reason, when that member starts.
    await Promise.all(this.members.map((m) => m.prepare().catch(() => undefined)));
    let next = 0;
    let lastStart = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        const member = this.members[i];
        if (!member) return;
        if (opts.deadline !== undefined && Date.now() > opts.deadline) {
          this.startFailures.push(`${member.role.name}: not started (time is up)`);
          continue;
        }
        const wait = lastStart + (opts.spacingMs ?? 0) - Date.now();
        lastStart = Math.max(Date.now(), lastStart + (opts.spacingMs ?? 0));
        if (wait > 0) await sleep(wait);
        try {
          await member.start();
        } catch (err) {
          this.startFailures.push(`${member.role.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  async sample(): Promise<SwarmSample> {
    const reports = await Promise.all(this.members.map((m) => m.report()));
    const s: SwarmSample = {
      at: Date.now(),
      joined: 0,
      publishing: 0,
      subscribing: 0,
      failed: 0,
      out: emptyOut(),
      in: { audioPackets: 0, videoPackets: 0, frames: 0, bytes: 0 },
      wsIn: 0,
      wsOut: 0,
      reports,
    };
    for (const r of reports) {
      if (r.state === "joined") s.joined++;
      if (r.state === "failed" || r.state === "closed" || r.failures.length > 0) s.failed++;
      if (r.publishState === "connected") s.publishing++;
      if (r.subscribeState === "connected") s.subscribing++;
      s.out.audioPackets += r.out.audioPackets;
      s.out.videoPackets += r.out.videoPackets;
      s.out.videoFrames += r.out.videoFrames;
      s.out.bytes += r.out.bytes;
      s.in.audioPackets += r.in.audioPackets;
      s.in.videoPackets += r.in.videoPackets;
      s.in.frames += r.in.frames;
      s.in.bytes += r.in.bytes;
      s.wsIn += r.wsIn;
      s.wsOut += r.wsOut;
    }
    return s;
  }

  /**
   * Media flowing, judged on two samples taken some seconds apart: every bot that should send (tone or video)
   * sent packets in between, and every subscriber received packets from every one of them in between.
   */
  checkFlows(before: SwarmSample, after: SwarmSample): FlowCheck {
    const problems: string[] = [];
    const byName = (s: SwarmSample) => new Map(s.reports.map((r) => [r.name, r]));
    const b = byName(before);
    const a = byName(after);
    const senders = this.members.filter((m) => m.role.audio === "on" || m.role.video);
    let sending = 0;
    for (const m of senders) {
      const r0 = b.get(m.role.name);
      const r1 = a.get(m.role.name);
      const audio = (r1?.out.audioPackets ?? 0) - (r0?.out.audioPackets ?? 0);
      const video = (r1?.out.videoPackets ?? 0) - (r0?.out.videoPackets ?? 0);
      const ok = (m.role.audio !== "on" || audio > 0) && (!m.role.video || video > 0);
      if (ok) sending++;
      else problems.push(`${m.role.name} sent audio +${audio}, video +${video} packets`);
    }
    const subscribers = this.members.filter((m) => m.role.subscribe);
    let receivingAll = 0;
    for (const m of subscribers) {
      const r0 = b.get(m.role.name);
      const r1 = a.get(m.role.name);
      const missing: string[] = [];
      for (const s of senders) {
        if (s === m || s.id === undefined) continue;
        const p0 = r0?.inByParticipant.get(s.id);
        const p1 = r1?.inByParticipant.get(s.id);
        const audio = (p1?.audio ?? 0) - (p0?.audio ?? 0);
        const video = (p1?.video ?? 0) - (p0?.video ?? 0);
        if ((s.role.audio === "on" && audio <= 0) || (s.role.video && video <= 0)) {
          missing.push(`${s.role.name} (audio +${audio}, video +${video})`);
        }
      }
      if (missing.length === 0) receivingAll++;
      else
        problems.push(
          `${m.role.name} received nothing from ${missing.length} publisher(s): ${missing.slice(0, 5).join(", ")}`,
        );
    }
    return {
      sending,
      expectedSending: senders.length,
      receivingAll,
      expectedReceiving: subscribers.length,
      problems,
    };
  }

  /** Every member leaves (`leave`, in parallel, bounded by `concurrency`). */
  async leave(concurrency = 10): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (;;) {
        const m = this.members[next++];
        if (!m) return;
        await m.leave().catch(() => m.close());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  close(): void {
    for (const m of this.members) m.close();
  }
}

/** "t=12s joined 9/10 …" — one progress line from two samples. */
export function progressLine(
  label: string,
  startedAt: number,
  total: number,
  prev: SwarmSample | undefined,
  s: SwarmSample,
): string {
  const dt = prev ? (s.at - prev.at) / 1000 : 0;
  const rate = (now: number, before: number) => (prev && dt > 0 ? Math.round((now - before) / dt) : 0);
  const t = Math.round((s.at - startedAt) / 1000);
  return (
    `[${label} t=${t}s] joined ${s.joined}/${total} pub↑ ${s.publishing} sub↓ ${s.subscribing}` +
    ` | out ${rate(s.out.audioPackets, prev?.out.audioPackets ?? 0)} audio + ${rate(s.out.videoPackets, prev?.out.videoPackets ?? 0)} video pkt/s` +
    ` | in ${rate(s.in.audioPackets, prev?.in.audioPackets ?? 0)} audio + ${rate(s.in.videoPackets, prev?.in.videoPackets ?? 0)} video pkt/s, ${rate(s.in.frames, prev?.in.frames ?? 0)} frames/s` +
    ` | ws ${rate(s.wsIn, prev?.wsIn ?? 0)} in ${rate(s.wsOut, prev?.wsOut ?? 0)} out msg/s | failures ${s.failed}`
  );
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
