/**
 * The import graph of src/, between units (a client feature folder, a folder under client/ or server/, a file
 * directly in one of them), its circles and its upward imports: what test/unit/architecture.test.ts checks.
 */
import fs from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./paths.js";

export const SRC = path.join(REPO_ROOT, "src");

export function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|tsx|css)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/**
 * The unit a file belongs to: a feature folder of the client, a folder under client/ or server/, or a file
 * directly in client/ or server/ on its own (config.ts, logger.ts, app.tsx…: leaves or roots, not a folder).
 */
export function unitOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  if (parts[0] === "protocol") return "protocol";
  if (parts[1] === "features" && parts.length > 3) return `client/features/${parts[2]}`;
  if (parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return `${parts[0]}/${(parts[1] ?? "").replace(/\.(ts|tsx|css)$/, "")}`;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"|(?:^|\n)\s*import\s+"(\.{1,2}\/[^"]+)"|import\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g;

/** Unit → unit → the file imports that tie them ("from → to"). */
export function importGraph(files: string[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of files) {
    const from = unitOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const m of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? "";
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
      if (!target.startsWith(SRC)) continue;
      const to = unitOf(target);
      if (to === from) continue;
      const edges = graph.get(from) as Map<string, string[]>;
      edges.set(to, [...(edges.get(to) ?? []), `${path.relative(SRC, file)} → ${spec}`]);
    }
  }
  return graph;
}

/** The circles of the graph (strongly connected components of more than one unit), Tarjan's way. */
export function circles(graph: Map<string, Map<string, string[]>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Which units a unit must never import: the layers above it. */
const FORBIDDEN: [RegExp, RegExp, string][] = [
  [/^protocol$/, /^(client|server)\//, "the protocol is shared: it knows neither end"],
  [
    /^client\/(state|engine|signal|ui|i18n)$/,
    /^client\/features\//,
    "only features (and the app) know features",
  ],
  [/^client\/(engine|signal|ui|i18n)$/, /^client\/state$/, "state is above engine, signal, ui and i18n"],
  [/^client\/(signal|i18n)$/, /^client\/(engine|ui)$/, "signal and i18n are the bottom of the client"],
  [
    /^client\/(state|engine|signal|ui|i18n|features\/.*)$/,
    /^client\/(app|main|meeting)$/,
    "the app is the top",
  ],
  [/^server\/(session|conference|routing|media)$/, /^server\/gateway$/, "the gateway is the server's top"],
  [/^server\/(conference|routing|media)$/, /^server\/session$/, "sessions are above the conference"],
  [/^server\/(routing|media)$/, /^server\/conference$/, "routing and media are below the conference"],
  [/^server\/media$/, /^server\/routing$/, "the media plane knows nothing of the cluster"],
  [/^server\/.*/, /^server\/(server|main)$/, "server.ts and main.ts are the roots"],
];

export function upwardImports(graph: Map<string, Map<string, string[]>>): string[] {
  const wrong: string[] = [];
  for (const [from, edges] of graph)
    for (const [to, files] of edges)
      for (const [a, b, why] of FORBIDDEN)
        if (a.test(from) && b.test(to) && !(from === "server/main" && to === "server/server"))
          wrong.push(`${from} → ${to} (${why}): ${files[0]}`);
  return wrong;
}
