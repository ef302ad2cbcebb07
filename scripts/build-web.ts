/**
 * Builds the dashboard (web/) into dist/web/: one bundle per entry with content-hashed names,
 * and an index.html that names them. (Not dist/app/: that is where src/app/ compiles to, and
 * a static root there would serve the server's own code.) Run by `npm run build`.
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { dirname, resolve } from 'node:path';

/** The repository: the nearest folder above this file with a package.json (scripts/ or dist/tools/scripts/). */
function repoRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(resolve(dir, 'package.json'))) return dir;
  throw new Error(`no package.json above ${from}`);
}
const ROOT = repoRoot(__dirname);
export const WEB_OUT = resolve(ROOT, 'dist/web');

export async function buildWeb(outDir = WEB_OUT): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: resolve(ROOT, 'web/src/main.ts'), style: resolve(ROOT, 'web/src/style.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    // Deterministic: no absolute paths or timestamps end up in the output or its names.
    sourcemap: false,
    legalComments: 'none',
    entryNames: 'assets/[name]-[hash]',
    outdir: outDir,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => resolve(ROOT, p));
  const named = (ext: string) => `/app/${outputs.find((p) => p.endsWith(ext))!.slice(outDir.length + 1)}`;
  const html = readFileSync(resolve(ROOT, 'web/index.html'), 'utf8').replace('%APP_JS%', named('.js')).replace('%APP_CSS%', named('.css'));
  writeFileSync(resolve(outDir, 'index.html'), html);
  // Compressed beside the originals; @fastify/static sends them to a client that accepts them.
  for (const file of outputs) {
    const body = readFileSync(file);
    writeFileSync(`${file}.br`, brotliCompressSync(body));
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  }
  return outputs;
}

if (require.main === module) {
  buildWeb().then(
    (files) => process.stdout.write(`dashboard: ${files.length} assets in ${WEB_OUT}\n`),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}
