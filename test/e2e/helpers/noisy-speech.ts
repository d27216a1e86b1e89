/**
 * A microphone in a noisy room: sentences spoken by espeak-ng (Debian's speech synthesiser), two seconds of
 * pause after each, over a steady pink noise (a fan, an air conditioner) about 12 dB under the voice, mixed by
 * sox. Chromium plays it as its fake microphone (`--use-file-for-fake-audio-capture`), in a loop. Made here,
 * nothing downloaded; `scripts/setup.sh --test` installs both tools.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { resultsDir } from "../../helpers/paths.js";

const SENTENCES = [
  "Thank you all for joining the meeting today.",
  "Let us look at the budget for next year.",
  "Does anyone have a question before we start?",
];
/** Pause after each sentence, long enough to hold a second of noise away from the voice on both sides. */
const PAUSE_S = 2;
/**
 * The noise's amplitude (sox `vol`, full scale = 1): an RMS of −33 dBFS against −21 dBFS for a sentence, a
 * noisy room. Quieter noise (0.03) is mostly taken out by the browser's own suppression already, and the
 * measure would be of what little it leaves (the page then shows 15–16 dB more taken out; 25 dB at this level).
 */
const NOISE_VOLUME = 0.1;
/** What Chromium's fake microphone plays: 48 kHz, mono, 16-bit. */
const PCM = ["-r", "48000", "-c", "1", "-b", "16"];

function run(tool: string, args: string[]): void {
  try {
    execFileSync(tool, args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    throw new Error(`${tool} failed (is it installed? scripts/setup.sh --test installs it): ${String(err)}`);
  }
}

/** Writes the noisy speech (WAV, 16-bit, mono, 48 kHz) under test-results/ and returns its path. */
export function noisySpeechWav(): string {
  const dir = resultsDir("media");
  const file = path.join(dir, "noisy-speech.wav");
  if (fs.existsSync(file)) return file;
  const work = fs.mkdtempSync(path.join(dir, "noisy-"));
  const parts = SENTENCES.map((text, i) => {
    const spoken = path.join(work, `s${i}.wav`);
    run("espeak-ng", ["-v", "en", "-s", "150", "-w", spoken, text]);
    const padded = path.join(work, `p${i}.wav`);
    run("sox", [spoken, ...PCM, padded, "pad", i === 0 ? "1" : "0", `${PAUSE_S}`]);
    return padded;
  });
  const speech = path.join(work, "speech.wav");
  run("sox", [...parts, speech]);
  const seconds = execFileSync("soxi", ["-D", speech]).toString().trim();
  const noise = path.join(work, "noise.wav");
  run("sox", ["-n", ...PCM, noise, "synth", seconds, "pinknoise", "vol", `${NOISE_VOLUME}`]);
  const partial = `${file}.${process.pid}.part.wav`;
  run("sox", ["-m", "-v", "1", speech, "-v", "1", noise, "-b", "16", partial]);
  fs.renameSync(partial, file);
  fs.rmSync(work, { recursive: true, force: true });
  return file;
}

/** The file's length in seconds (one loop of the fake microphone). */
export function wavSeconds(file: string): number {
  return Number(execFileSync("soxi", ["-D", file]).toString().trim());
}
