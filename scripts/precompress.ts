/**
 * A Vite plugin that writes a brotli (`.br`) and a gzip (`.gz`) copy next to every text file of the build, once,
 * at build time. The server picks one by content negotiation and never compresses per request: the strongest
 * settings (brotli 11, gzip 9) cost about a second here, which a request could not afford, and a build can.
 * It lives in the Vite config, so every path that builds the client (`npm run build`, `npm start`,
 * scripts/setup.sh, the tests' global setup) produces the compressed copies.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Plugin } from "vite";
import { COMPRESSIBLE_EXTENSIONS } from "../src/server/gateway/compressible.js";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// By hand rather than readdir's `recursive`: Dirent.parentPath is missing from the early Node 20 releases.
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Writes `file.br` and `file.gz`; a copy that would not be smaller than the file is not written (tiny files). */
async function compressFile(file: string): Promise<void> {
  const raw = await readFile(file);
  const [br, gz] = await Promise.all([
    brotli(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    gzipAsync(raw, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  const writes: Promise<void>[] = [];
  if (br.length < raw.length) writes.push(writeFile(`${file}.br`, br));
  if (gz.length < raw.length) writes.push(writeFile(`${file}.gz`, gz));
  await Promise.all(writes);
}

export function precompress(): Plugin {
  return {
    name: "palabre-precompress",
    apply: "build",
    // After the files are on disk, so index.html (which Vite rewrites late) is compressed in its final form.
    async writeBundle(options) {
      const dir = options.dir;
      if (!dir) return;
      const files = (await filesUnder(dir)).filter((f) => COMPRESSIBLE_EXTENSIONS.has(extname(f)));
      // zlib's async calls run on libuv's thread pool: the files compress in parallel.
      await Promise.all(files.map(compressFile));
    },
  };
}
