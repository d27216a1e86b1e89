/**
 * axe-core in a Firefox page driven over WebDriver BiDi, with the app's Content-Security-Policy in force
 * (script-src 'self'). The page could not load axe by itself: a <script> tag with axe's text inline, or from
 * any other origin, is refused by that policy (page.addScriptTag would add one). Puppeteer's page.evaluate of a
 * string is BiDi's script.evaluate, which runs the text in the page's own realm as the remote end's request,
 * not as a script the document loaded, so the CSP does not apply to it (as the DevTools protocol's evaluation
 * in e2e/helpers/a11y.ts, for Chromium). Evaluating axe.min.js from node_modules there defines window.axe for
 * the page; a second string runs it. Nothing is fetched from the internet, and the page is checked as users
 * get it. The options and the report are e2e/helpers/a11y.ts's runAxe's.
 */
import fs from "node:fs";
import type { Page } from "puppeteer-core";
import { AXE_PATH, type AxeReport } from "../../e2e/helpers/a11y.js";
import { inPage } from "./firefox.js";

let axeSource: string | undefined;

async function injectAxe(page: Page): Promise<void> {
  if (await inPage<boolean>(page, `typeof window.axe === "object"`)) return;
  axeSource ??= fs.readFileSync(AXE_PATH, "utf8");
  await inPage(page, `${axeSource}\n;undefined`);
  if (
    !(await inPage<boolean>(page, `typeof window.axe === "object" && typeof window.axe.run === "function"`))
  )
    throw new Error("axe-core evaluated in the Firefox page, but window.axe is not there");
}

/**
 * axe.run on the whole document: default rules plus label-content-name-mismatch (as runAxe); `rulesRun`: how
 * many rules applied to something (passed, failed or undecided), so an axe that checked nothing is seen.
 */
export async function runAxeInFirefox(page: Page): Promise<AxeReport & { rulesRun: number }> {
  await injectAxe(page);
  return inPage(
    page,
    `(async () => {
      const results = await window.axe.run(document, {
        rules: { "label-content-name-mismatch": { enabled: true } },
        resultTypes: ["violations", "incomplete"],
      });
      const simplify = (v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
          target: n.target.map(String).join(" "),
          html: n.html.slice(0, 300),
          summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 400),
        })),
      });
      return {
        violations: results.violations.map(simplify),
        incomplete: results.incomplete.map(simplify),
        rulesRun: results.passes.length + results.violations.length + results.incomplete.length,
      };
    })()`,
  );
}
