/**
 * Accessibility and layout checks in a real page: axe-core (from node_modules, injected into the page: nothing
 * fetched from the internet) and measures of rendered boxes (does a name fit its box, do two boxes overlap).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
/** axe-core's browser bundle, as installed (devDependency). */
export const AXE_PATH: string = require.resolve("axe-core/axe.min.js");
let axeSource: string | undefined;

/**
 * Loads axe into the page. page.addScriptTag would add an inline <script>, which the app's
 * Content-Security-Policy (script-src 'self') rightly refuses; evaluating the same file through the DevTools
 * protocol is not subject to the page's CSP, so the page is checked with its CSP in force, as users get it.
 */
async function injectAxe(page: Page): Promise<void> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === "object");
  if (loaded) return;
  axeSource ??= fs.readFileSync(AXE_PATH, "utf8");
  await page.evaluate(`${axeSource}\n;undefined`);
}

export interface AxeNode {
  target: string;
  html: string;
  summary: string;
}

export interface AxeViolation {
  id: string;
  impact: "minor" | "moderate" | "serious" | "critical" | null;
  help: string;
  nodes: AxeNode[];
}

export interface AxeReport {
  violations: AxeViolation[];
  /** Checks axe could not decide (e.g. text over a video), to review by hand: printed, not failed. */
  incomplete: AxeViolation[];
}

/**
 * Runs axe on the whole page: its default rules (WCAG 2.0/2.1 A and AA, best practices) plus the one that
 * compares a control's visible text with its accessible name (WCAG 2.5.3, still "experimental" in axe, so
 * off unless asked for).
 */
export async function runAxe(page: Page): Promise<AxeReport> {
  await injectAxe(page);
  return page.evaluate(async () => {
    type Result = {
      id: string;
      impact: AxeViolation["impact"];
      help: string;
      nodes: { target: unknown[]; html: string; failureSummary?: string }[];
    };
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } }).axe;
    const results = (await axe.run(document, {
      rules: { "label-content-name-mismatch": { enabled: true } },
      resultTypes: ["violations", "incomplete"],
    })) as { violations: Result[]; incomplete: Result[] };
    const simplify = (v: Result) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(" "),
        html: n.html.slice(0, 300),
        summary: (n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 400),
      })),
    });
    return { violations: results.violations.map(simplify), incomplete: results.incomplete.map(simplify) };
  });
}

export const isGrave = (v: AxeViolation): boolean => v.impact === "serious" || v.impact === "critical";

export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `- [${v.impact}] ${v.id}: ${v.help}\n${v.nodes
          .map((n) => `    ${n.target}\n      ${n.html}\n      ${n.summary}`)
          .join("\n")}`,
    )
    .join("\n");
}

/** What a name element shows, and whether its box holds it. */
export interface NameFit {
  text: string;
  scrollWidth: number;
  clientWidth: number;
  scrollHeight: number;
  clientHeight: number;
  /** Lines of text the element takes (its height over its computed line height, rounded). */
  lines: number;
  /** The element lies inside `within` (left and right edges), so no ancestor clips it sideways. */
  insideContainer: boolean;
}

/** Measures every element matching `selector` (in document order), against the box of `within`. */
export async function measureNames(page: Page, selector: string, within: string): Promise<NameFit[]> {
  return page.evaluate(
    ({ selector, within }) => {
      const container = document.querySelector(within)?.getBoundingClientRect();
      return Array.from(document.querySelectorAll<HTMLElement>(selector)).map((el) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const lineHeight = Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.2;
        return {
          text: el.textContent ?? "",
          scrollWidth: el.scrollWidth,
          clientWidth: el.clientWidth,
          scrollHeight: el.scrollHeight,
          clientHeight: el.clientHeight,
          lines: Math.round(box.height / lineHeight),
          insideContainer:
            container !== undefined && box.left >= container.left - 0.5 && box.right <= container.right + 0.5,
        };
      });
    },
    { selector, within },
  );
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Whether two boxes share any area (touching edges do not count). */
export function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** The boxes of every element matching `selector`, each with its text (to name it in a failure). */
export async function boxesOf(
  page: Page,
  selector: string,
): Promise<{ label: string; box: Box; visible: boolean }[]> {
  return page.evaluate((selector) => {
    return Array.from(document.querySelectorAll<HTMLElement>(selector)).map((el) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return {
        label: (el.textContent ?? "").trim(),
        box: { x: r.x, y: r.y, width: r.width, height: r.height },
        visible: r.width > 0 && r.height > 0 && style.visibility !== "hidden" && style.display !== "none",
      };
    });
  }, selector);
}

/** WCAG 2.1 contrast ratio of two opaque CSS colours as computed styles give them ("rgb(r, g, b)"). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (css: string) => {
    const parts = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(css);
    if (!parts) throw new Error(`not an rgb() colour: ${css}`);
    if (parts[4] !== undefined && Number(parts[4]) !== 1) throw new Error(`not opaque: ${css}`);
    const [r, g, bl] = [parts[1], parts[2], parts[3]].map((c) => {
      const v = Number(c) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
