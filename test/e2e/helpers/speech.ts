/**
 * A microphone that talks: Chromium's fake capture device plays a WAV file instead of its beep, so the
 * "you are talking while muted" detector (features/audio-help) hears something like speech. The file is
 * synthesised here (nothing downloaded): voiced syllables of about 200 ms with short gaps, a fundamental
 * with harmonics and a moving pitch, so that the browser's noise suppression does not take it for a steady
 * hum and remove it. Chromium loops the file.
 */
import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { resultsDir } from "../../helpers/paths.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./browser.js";

const RATE = 48_000;
const SECONDS = 4;

function speechSamples(): Int16Array {
  const out = new Int16Array(RATE * SECONDS);
  const syllable = 0.2;
  const gap = 0.07;
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const time = i / RATE;
    const inCycle = time % (syllable + gap);
    const n = Math.floor(time / (syllable + gap));
    // Each syllable its own pitch (120–200 Hz), gliding a little, like intonation.
    const pitch = 120 + ((n * 37) % 80) + 20 * (inCycle / syllable);
    phase += (2 * Math.PI * pitch) / RATE;
    const voiced = inCycle < syllable ? Math.sin((Math.PI * inCycle) / syllable) : 0;
    let x = 0;
    for (let h = 1; h <= 6; h++) x += Math.sin(h * phase) / h;
    out[i] = Math.round(voiced * 0.35 * x * 32767 * 0.8);
  }
  return out;
}

/** Writes the talking WAV (16-bit PCM, mono, 48 kHz) under test-results/ and returns its path. */
export function speechWav(): string {
  const file = path.join(resultsDir("media"), "speech.wav");
  if (fs.existsSync(file)) return file;
  const samples = speechSamples();
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  // Written under a temporary name first: a concurrent reader never sees half a file.
  const partial = `${file}.${process.pid}.part`;
  fs.writeFileSync(partial, Buffer.concat([header, data]));
  fs.renameSync(partial, file);
  return file;
}

/** Headless Chromium whose fake microphone talks (every page of it). */
export function launchTalkingChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${speechWav()}`],
    timeout: 60_000,
  });
}
