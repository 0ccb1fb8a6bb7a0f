// Builds the client into dist/: one JS bundle and one CSS file named by content hash under
// assets/ (served as immutable), and index.html (revalidated on every load) pointing at them.
// Usage: node build.mjs            (Node 18+; needs `npm ci` first)
import * as esbuild from 'esbuild';
import { readFile, writeFile, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'assets'), { recursive: true });

// The push-to-talk AudioWorklet first: a file of its own (the page's CSP allows no blob:
// scripts), whose hashed URL the app bundle gets as WORKLET_URL.
const worklet = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { 'pcm16-worklet': 'src/pcm16-worklet.js' },
  bundle: true,
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  outdir: 'dist/assets',
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});
const workletUrl = '/' + path.relative('dist', Object.keys(worklet.metafile.outputs)[0])
  .split(path.sep).join('/');

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: 'src/main.js' },
  define: { WORKLET_URL: JSON.stringify(workletUrl) },
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: true,
  outdir: 'dist/assets',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

let js = '', css = '';
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  const url = '/' + path.relative('dist', out).split(path.sep).join('/');
  if (out.endsWith('.js')) js = url;
  if (meta.cssBundle) css = '/' + path.relative('dist', meta.cssBundle).split(path.sep).join('/');
}
if (!js || !css) throw new Error('build: the JS or CSS bundle is missing from the metafile');

const template = await readFile(path.join(here, 'index.html'), 'utf8');
const html = template
  .replace('<!--CSS-->', `<link rel="stylesheet" href="${css}">`)
  .replace('<!--JS-->', `<script type="module" src="${js}"></script>`);
await writeFile(path.join(dist, 'index.html'), html);
console.log(`web: built ${js} ${css}`);
