// Builds everything that ships into dist/: the extension, the CLI, the sandbox worker, the
// webview bundle, the tokenizer, and the files they load: QuickJS's WebAssembly and the codicons.
//   node esbuild.mjs               development build (source maps, no minify)
//   node esbuild.mjs --production  minified, no source maps (used by `vscode:prepublish`)
//   node esbuild.mjs --watch       rebuild on change; prints markers the F5 task waits for
//   node esbuild.mjs --bench       also bundle the benchmark (dist/bench.js), to measure shipped code
//   node esbuild.mjs --stress      also bundle the stress run (dist/stress.js), likewise
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const bench = process.argv.includes('--bench');
const tests = process.argv.includes('--tests');
const stress = process.argv.includes('--stress');
const outdir = path.resolve('dist');
const { version } = require('./package.json');

/** Reports builds in a one-line format that `.vscode/tasks.json`'s problem matcher reads. */
const reporter = {
  name: 'reporter',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        const where = location ? `${location.file}:${location.line}:${location.column}: ` : '';
        console.error(`${where}error: ${text}`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'silent',
  // esbuild ships a native binary per platform, so it cannot be bundled; it is loaded at run time.
  external: ['vscode', 'esbuild'],
  alias: {
    // jsonc-parser's UMD build loads its parts with dynamic requires; its ESM build bundles cleanly.
    'jsonc-parser': 'jsonc-parser/lib/esm/main.js',
    // Only json-schema-to-typescript's `format` option uses prettier, and it is off (see the stub).
    prettier: './src/core/typegen/no-prettier.ts',
  },
  // Some dependencies ship ESM that reads import.meta.url; give the CommonJS bundle a real one.
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'process.env.CODEMODE_VERSION': JSON.stringify(version), 'import.meta.url': '__import_meta_url' },
  plugins: [reporter],
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir },
  { ...node, entryPoints: { cli: 'src/cli.ts' }, outdir, banner: { js: `#!/usr/bin/env node\n${node.banner.js}` } },
  { ...node, entryPoints: { 'sandbox-worker': 'src/core/sandbox/worker.ts' }, outdir },
  // 2.4 MB of tokenizer tables, loaded by the extension on the first token account, not at activation.
  { ...node, entryPoints: { tokenizer: 'src/core/tokens/o200k.ts' }, outdir },
  {
    entryPoints: { webview: 'webview/main.ts' },
    outdir,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'silent',
    plugins: [reporter],
  },
];

if (bench) {
  // The benchmark's baseline runs json-schema-to-typescript with formatting on, so it keeps prettier.
  builds.push({ ...node, entryPoints: { bench: 'bench/run.ts', 'bench-ours': 'bench/engines/ours.ts' }, outdir, alias: { 'jsonc-parser': node.alias['jsonc-parser'] } });
  // The contenders run on Node 24 beside their packages in .cache/bench-peers (bench/engines/install.ts).
  builds.push({
    ...node,
    entryPoints: { 'ai-sdk': 'bench/engines/aiSdk.ts', utcp: 'bench/engines/utcp.ts', direct: 'bench/engines/direct.ts' },
    outdir: path.resolve('.cache/bench-peers'),
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    target: 'node22',
    external: ['@ai-sdk/code-mode', 'ai', '@utcp/*', 'isolated-vm'],
    // Bundled CommonJS dependencies call require(); give the ES module one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    define: { 'process.env.CODEMODE_VERSION': JSON.stringify(version), 'process.env.MCP_SDK_VERSION': JSON.stringify(JSON.parse(readFileSync('node_modules/@modelcontextprotocol/sdk/package.json', 'utf8')).version) },
  });
}
if (stress) {
  // The compiler and fast-check only check generated declarations; they load from node_modules.
  builds.push({ ...node, entryPoints: { stress: 'test/stress/main.ts' }, outdir, external: [...node.external, 'typescript', 'fast-check'] });
}
if (tests) {
  // The extension-host suites load mocha and vscode at run time; the launcher is an executable.
  const suites = readdirSync('test/vscode/suite').filter((name) => name.endsWith('.ts')).map((name) => `test/vscode/suite/${name}`);
  builds.push({ ...node, entryPoints: suites, outdir: path.join(outdir, 'test/suite'), external: [...node.external, 'mocha'] });
  builds.push({ ...node, entryPoints: { launcher: 'test/vscode/launcher.ts', run: 'test/vscode/run.ts', start: 'test/vscode/start.ts' }, outdir: path.join(outdir, 'test'), external: [...node.external, 'playwright-core', '@vscode/test-electron'], banner: { js: `#!/usr/bin/env node\n${node.banner.js}` } });
}

await mkdir(outdir, { recursive: true });
await copyFile(require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'), path.join(outdir, 'quickjs.wasm'));
// The panel's icons: the codicon font and its stylesheet, served from dist/ under the webview's CSP.
await mkdir(path.join(outdir, 'codicons'), { recursive: true });
const codicons = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
await Promise.all(['codicon.css', 'codicon.ttf'].map((file) => copyFile(path.join(codicons, file), path.join(outdir, 'codicons', file))));

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  const results = await Promise.allSettled(builds.map((options) => esbuild.build(options)));
  const failed = results.filter((result) => result.status === 'rejected');
  // An invalid option fails before the reporter sees the build; say so rather than exit silently.
  for (const { reason } of failed) console.error(`error: ${String(reason?.message ?? reason).split('\n')[0]}`);
  if (failed.length > 0) process.exit(1);
  if (tests) await chmod(path.join(outdir, 'test/launcher.js'), 0o755);
}
