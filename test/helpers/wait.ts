/** Small timing helpers shared by the integration tests, the e2e tests and the benchmarks (no vitest here). */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Said in the error when the condition never held. */
  what?: string;
}

/**
 * Polls `probe` until it returns something other than `undefined`/`false`/`null`, and returns that.
 * Throws after `timeoutMs`, with the last value or error seen, so a failing test says what it saw.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 100, what = "condition" }: WaitOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      last = value;
      lastError = undefined;
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, undefined | null | false>;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail =
        lastError !== undefined
          ? `last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
          : `last value: ${safeJson(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${detail})`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Takes `sample()` until `steady` holds of it, at most `tries` times, and returns the last one. Media that
 * has just started may still be ramping up (a key frame awaited, the sender's bitrate climbing): a bound on a
 * rate is about steady flow, not its first seconds.
 */
export async function sampleUntil<T>(
  sample: () => Promise<T>,
  steady: (s: T) => boolean,
  tries: number,
): Promise<T> {
  let last = await sample();
  for (let i = 1; i < tries && !steady(last); i++) last = await sample();
  return last;
}

export function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return String(value);
  }
}

/** Rejects after `ms` with a message naming `what`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
