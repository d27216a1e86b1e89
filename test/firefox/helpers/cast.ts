/**
 * The cast of one Firefox test file: its server, a Chromium and a Firefox (each launched when first asked for),
 * the pages opened in them, the evidence saved when a test fails (screenshots, console lines, the server log's
 * tail), and one `close()` for all of it. What every file of test/firefox/ would otherwise write again.
 */
import type { Browser as ChromiumBrowser } from "playwright-core";
import type { Browser as FirefoxBrowser } from "puppeteer-core";
import { onTestFailed } from "vitest";
import { launchChromium, newParticipant, type Participant, saveEvidence } from "../../e2e/helpers/browser.js";
import type { ImpairedCall } from "../../e2e/helpers/degradation.js";
import { type ServerHandle, type StartServerOptions, startServer, tail } from "../../helpers/server.js";
import {
  type FirefoxParticipant,
  launchFirefox,
  newFirefoxParticipant,
  saveFirefoxEvidence,
} from "./firefox.js";

export interface CastOptions {
  /** Firefox's Accept-Language (its pages' language); default French. */
  language?: string;
  /** Firefox on the virtual display (screen sharing needs it). */
  display?: boolean;
}

interface Borrowed {
  /** A browser someone else launched and closes (the impaired call's), and the pages opened in it. */
  chromium?: ChromiumBrowser;
  chromiumPages?: Participant[];
  /** Whether `close()` stops the server. */
  ownsServer?: boolean;
  /** More to print when a test fails (the relay's flows). */
  details?: () => string;
}

export class Cast {
  readonly chromiumPages: Participant[];
  readonly firefoxPages: FirefoxParticipant[] = [];
  #chromium: Promise<ChromiumBrowser> | null;
  #firefox: Promise<FirefoxBrowser> | null = null;

  constructor(
    readonly tag: string,
    readonly server: ServerHandle,
    private readonly options: CastOptions & Borrowed = {},
  ) {
    this.#chromium = options.chromium ? Promise.resolve(options.chromium) : null;
    this.chromiumPages = options.chromiumPages ?? [];
  }

  /**
   * The cast of a call through the UDP relay (degradation.ts): its server, its Chromium and the pages it
   * joined; the Firefox pages then join through the relay too (`firefox(label, { relayOnly: true })`). The
   * call's owner closes the call.
   */
  static around(call: ImpairedCall, tag: string, options: CastOptions = {}): Cast {
    return new Cast(tag, call.server, {
      ...options,
      chromium: call.browser,
      chromiumPages: call.participants,
      details: () =>
        `relay flows:\n${call.relay
          .flows()
          .map((f) => JSON.stringify(f))
          .join("\n")}`,
    });
  }

  /** A fresh server of its own (`tag` names its log) and the cast around it. */
  static async start(
    tag: string,
    options: CastOptions & { server?: StartServerOptions } = {},
  ): Promise<Cast> {
    const server = await startServer({ name: tag, ...options.server });
    return new Cast(tag, server, { ...options, ownsServer: true });
  }

  /** A Chromium participant (the browser's locale: `locale`). */
  async chromium(label: string, options: { locale?: string } = {}): Promise<Participant> {
    this.#chromium ??= launchChromium();
    const page = await newParticipant(await this.#chromium, label, options);
    this.chromiumPages.push(page);
    return page;
  }

  /**
   * A Firefox participant; `ownWindow` when several are open at once (a hidden tab receives no video);
   * `relayOnly`: it signals no candidate of its own, so the media server learns the relay's (as the Chromium
   * pages of an impaired call do).
   */
  async firefox(
    label: string,
    { relayOnly = false, ...options }: { ownWindow?: boolean; relayOnly?: boolean } = {},
  ): Promise<FirefoxParticipant> {
    this.#firefox ??= launchFirefox(this.options.language ?? "fr-FR, fr", {
      display: this.options.display ?? false,
    });
    const page = await newFirefoxParticipant(await this.#firefox, label, options);
    if (relayOnly) await page.page.evaluateOnNewDocument("window.__candidatePolicy = 'none';");
    this.firefoxPages.push(page);
    return page;
  }

  /** Saves every page's evidence and prints the server log's tail if the current test fails. */
  evidenceOnFailure(step: string): void {
    onTestFailed(async () => {
      const name = `${this.tag}-${step}`;
      const a = this.chromiumPages.length
        ? await saveEvidence(name, this.chromiumPages)
        : "(no Chromium page)";
      const b = this.firefoxPages.length
        ? await saveFirefoxEvidence(name, this.firefoxPages)
        : "(no Firefox page)";
      const details = this.options.details ? `${this.options.details()}\n` : "";
      console.error(
        `evidence in ${a} and ${b}\n${details}server log (tail):\n${tail(this.server.lines, 60)}`,
      );
    });
  }

  async close(): Promise<void> {
    for (const p of this.firefoxPages) await p.close();
    const ownChromium = !this.options.chromium;
    if (ownChromium) for (const p of this.chromiumPages) await p.close();
    await (await this.#firefox?.catch(() => null))?.close();
    if (ownChromium) await (await this.#chromium?.catch(() => null))?.close();
    if (this.options.ownsServer) await this.server.stop();
  }
}
