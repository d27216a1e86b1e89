/**
 * The knock moderators hear when someone waits in the lobby: two short wooden taps synthesised with
 * WebAudio, so there is no audio file to ship and nothing fetched from anywhere.
 */

let context: AudioContext | null = null;

/** One tap: a quickly decaying low sine with a pitch drop, which the ear reads as a knuckle on wood. */
function tap(ctx: AudioContext, at: number): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = "sine";
  osc.frequency.setValueAtTime(220, at);
  osc.frequency.exponentialRampToValueAtTime(110, at + 0.08);
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.35, at + 0.005);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.12);
  osc.connect(gain).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + 0.13);
}

/** Plays "knock knock". Never throws: a browser that refuses sound (autoplay policy) simply stays quiet. */
export function playKnock(): void {
  try {
    const Ctor = globalThis.AudioContext;
    if (!Ctor) return;
    // One context for the page: browsers limit how many may exist.
    context ??= new Ctor();
    const ctx = context;
    // Suspended until a user gesture on some browsers; the Join click usually counts, so try to resume.
    if (ctx.state === "suspended") ctx.resume().catch(() => undefined);
    const now = ctx.currentTime + 0.02;
    tap(ctx, now);
    tap(ctx, now + 0.18);
  } catch (err) {
    console.warn("palabre: could not play the knock sound", err);
  }
}
