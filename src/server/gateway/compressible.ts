/**
 * The file types the client build writes `.br` and `.gz` copies of (scripts/precompress.ts) and the server
 * negotiates (http.ts): one list for both, so a new type cannot be compressed and then never served so, or the
 * reverse. Only text compresses well; images, fonts and sounds are already compressed.
 */
export const COMPRESSIBLE_EXTENSIONS: ReadonlySet<string> = new Set([
  ".js",
  ".css",
  ".html",
  ".svg",
  ".json",
  ".webmanifest",
  ".wasm",
]);
