// `npm run bench`: the engine's figures, each beside a baseline measured in the same process and
// run, with the target it is held to. Prints a table; exits 0 whatever the figures (benchmarks
// report, tests assert). It runs bundled, like the shipped extension and CLI (esbuild.mjs --bench).

import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { readFile } from 'node:fs/promises';
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import path from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { McpHub } from '../src/core/mcp/hub';
import type { ToolInfo, ToolProvider } from '../src/core/provider';
import { generateDeclarations, groupByServer } from '../src/core/typegen/generate';
import { ScriptRunner } from '../src/core/run/runner';
import { sandboxWasmFile } from '../src/core/sandbox/pool';

interface Row {
  readonly measure: string;
  readonly ours: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: boolean;
}

const rows: Row[] = [];
const ms = (value: number): string => `${value.toFixed(2)} ms`;
const us = (value: number): string => `${(value * 1000).toFixed(1)} µs`;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const sleep = (delay: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, delay));
const echo = async (args: unknown): Promise<unknown> => args;

const provider: ToolProvider = {
  listTools: async () => ({
    tools: [
      { server: 'bench', name: 'echo' },
      { server: 'bench', name: 'wait' },
    ],
    unavailable: [],
  }),
  callTool: async (_server, tool, args) => {
    if (tool === 'wait') await sleep(100);
    return echo(args);
  },
};

async function freshRun(runner: ScriptRunner): Promise<void> {
  const wasmModule = await WebAssembly.compile(await readFile(sandboxWasmFile()));
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmModule }));
  const bare: number[] = [];
  for (let i = 0; i < 300; i++) {
    bare.push(
      await time(() => {
        const runtime = quickjs.newRuntime();
        const context = runtime.newContext();
        context.dispose();
        runtime.dispose();
      }),
    );
  }
  const ours: number[] = [];
  for (let i = 0; i < 20; i++) await runner.run({ code: 'return 1', source: 'bench' });
  for (let i = 0; i < 300; i++) ours.push(await time(() => runner.run({ code: 'return 1', source: 'bench' })));
  const median = percentile(ours, 50);
  rows.push({
    measure: 'fresh run of `return 1`, median',
    ours: ms(median),
    baseline: `${ms(percentile(bare, 50))} bare runtime+context`,
    ratio: `${(median / percentile(bare, 50)).toFixed(1)}×`,
    target: '≤ 5 ms',
    met: median <= 5,
  });
  rows.push({
    measure: 'fresh run of `return 1`, p95',
    ours: ms(percentile(ours, 95)),
    baseline: `${ms(percentile(bare, 95))} bare runtime+context`,
    ratio: `${(percentile(ours, 95) / percentile(bare, 95)).toFixed(1)}×`,
    target: '—',
    met: true,
  });
}

async function perCallOverhead(runner: ScriptRunner): Promise<void> {
  const calls = 1000;
  const loop = `for (let i = 0; i < ${calls}; i++) await bench.echo({ i }); return 1`;
  const empty = 'for (let i = 0; i < 1000; i++) await Promise.resolve({ i }); return 1';
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const withCalls = await time(() => runner.run({ code: loop, provider, source: 'bench' }));
    const without = await time(() => runner.run({ code: empty, provider, source: 'bench' }));
    samples.push((withCalls - without) / calls);
  }
  const direct: number[] = [];
  for (let round = 0; round < 5; round++) {
    direct.push(
      (await time(async () => {
        for (let i = 0; i < calls; i++) await provider.callTool('bench', 'echo', { i }, { signal: new AbortController().signal, timeoutMs: 1000 });
      })) / calls,
    );
  }
  const overhead = percentile(samples, 50);
  rows.push({
    measure: 'per-call overhead, 1,000 sequential calls',
    ours: us(overhead),
    baseline: `${us(percentile(direct, 50))} direct call from Node`,
    ratio: `+${us(overhead - percentile(direct, 50))}`,
    target: '≤ 100 µs',
    met: overhead <= 0.1,
  });
}

async function parallelCalls(runner: ScriptRunner): Promise<void> {
  const one: number[] = [];
  const ten: number[] = [];
  for (let round = 0; round < 5; round++) {
    one.push(await time(() => runner.run({ code: 'return await bench.wait({})', provider, source: 'bench' })));
    ten.push(
      await time(() =>
        runner.run({ code: 'return await Promise.all(Array.from({ length: 10 }, (_, i) => bench.wait({ i })))', provider, source: 'bench' }),
      ),
    );
  }
  const ratio = percentile(ten, 50) / percentile(one, 50);
  rows.push({
    measure: 'Promise.all of 10 calls of 100 ms',
    ours: ms(percentile(ten, 50)),
    baseline: `${ms(percentile(one, 50))} one such call`,
    ratio: `${ratio.toFixed(2)}×`,
    target: '≤ 1.5×',
    met: ratio <= 1.5,
  });
}

async function eventLoopDelay(runner: ScriptRunner): Promise<void> {
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await sleep(3000);
  idle.disable();
  const busy = monitorEventLoopDelay({ resolution: 10 });
  busy.enable();
  const result = await runner.run({ code: 'while (true) {}', source: 'bench' });
  busy.disable();
  const p99 = busy.percentile(99) / 1e6;
  rows.push({
    measure: 'event-loop delay p99 while a script spins to its 3 s limit',
    ours: `${ms(p99)} (${result.error?.name ?? 'no error'})`,
    baseline: `${ms(idle.percentile(99) / 1e6)} idle`,
    ratio: `+${ms(p99 - idle.percentile(99) / 1e6)}`,
    target: '≤ 50 ms',
    met: p99 <= 50,
  });
}

async function rssGrowth(runner: ScriptRunner): Promise<void> {
  const code = 'const data = Array.from({ length: 200 }, (_, i) => ({ i, s: "x".repeat(50) })); console.log(data.length); return await bench.echo({ n: data.length })';
  const rssAfter = async (runs: number): Promise<number> => {
    for (let i = 0; i < runs; i++) await runner.run({ code, provider, source: 'bench' });
    global.gc?.();
    return process.memoryUsage().rss;
  };
  // The first thousand runs include warm-up (JIT, the worker's heaps, the wasm heap reaching its
  // working size); runs 2,001–3,000 show whether anything keeps growing after that.
  const start = await rssAfter(0);
  const first = await rssAfter(1000);
  const second = await rssAfter(1000);
  const third = await rssAfter(1000);
  rows.push({
    measure: 'RSS growth, runs 1–1,000 (with warm-up)',
    ours: mb(first - start),
    baseline: `${mb(start)} RSS before`,
    ratio: `${(((first - start) / start) * 100).toFixed(1)}%`,
    target: '—',
    met: true,
  });
  rows.push({
    measure: 'RSS growth, runs 2,001–3,000 (steady state)',
    ours: mb(third - second),
    baseline: `${mb(second)} RSS at run 2,000`,
    ratio: `${(((third - second) / second) * 100).toFixed(1)}%`,
    target: '≤ 20 MB',
    met: third - second <= 20 * 1024 * 1024,
  });
}

/** The tools of the three npm servers in examples/workspace, fetched live. */
async function realTools(): Promise<ToolInfo[]> {
  const root = path.resolve(__dirname, '..');
  const server = (name: string, pkg: string, args: string[] = []) => ({
    type: 'stdio' as const,
    name,
    command: process.execPath,
    args: [path.join(root, 'node_modules/@modelcontextprotocol', pkg, 'dist/index.js'), ...args],
    env: {},
    source: { file: 'bench', path: name },
  });
  const hub = new McpHub([server('filesystem', 'server-filesystem', [root]), server('memory', 'server-memory'), server('everything', 'server-everything', ['stdio'])], {
    variables: { env: process.env, inputs: [], input: async () => '' },
    roots: () => [],
    startupTimeoutMs: 30_000,
    clientVersion: 'bench',
  });
  const { tools } = await hub.catalog();
  await hub.dispose();
  return [...tools];
}

async function typegen(): Promise<void> {
  const real = await realTools();
  // 1,000 tools: the real servers' tools repeated across servers named s0, s1, …
  const thousand: ToolInfo[] = Array.from({ length: 1000 }, (_, i) => ({ ...real[i % real.length]!, server: `s${Math.floor(i / real.length)}` }));
  const ours: number[] = [];
  let bytes = 0;
  for (let round = 0; round < 5; round++) {
    ours.push(await time(async () => {
      const { files } = await generateDeclarations(groupByServer(thousand));
      bytes = [...files.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    }));
  }
  // The baseline: json-schema-to-typescript as its README shows it (formatting on), one call per
  // schema. It is slow enough that 100 tools are measured and the figure scaled to 1,000.
  const sample = thousand.slice(0, 100);
  const naive = await time(async () => {
    for (const tool of sample) {
      await compile((tool.inputSchema ?? {}) as never, `${tool.name}Input`);
      if (tool.outputSchema) await compile(tool.outputSchema as never, `${tool.name}Output`);
    }
  });
  const median = percentile(ours, 50);
  rows.push({
    measure: 'declarations for 1,000 tools (real schemas)',
    ours: ms(median),
    baseline: `${ms(naive * 10)} naive json-schema-to-typescript (100 measured ×10)`,
    ratio: `${((naive * 10) / median).toFixed(1)}× faster`,
    target: '≤ 1000 ms',
    met: median <= 1000,
  });
  rows.push({
    measure: 'declaration text for those 1,000 tools',
    ours: `${(bytes / 1024).toFixed(0)} KiB`,
    baseline: `${(bytes / 1000 / 1024).toFixed(1)} KiB a tool`,
    ratio: '—',
    target: '—',
    met: true,
  });
}

function printTable(): void {
  const header: Row = { measure: 'measure', ours: 'ours', baseline: 'baseline (same run)', ratio: 'ratio', target: 'target', met: true };
  const all = [header, ...rows];
  const keys = ['measure', 'ours', 'baseline', 'ratio', 'target'] as const;
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: Row, status: string): string => `| ${keys.map((key, i) => row[key].padEnd(widths[i]!)).join(' | ')} | ${status.padEnd(4)} |`;
  console.log(line(header, 'met'));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|------|`);
  for (const row of rows) console.log(line(row, row.met ? 'yes' : 'NO'));
}

async function main(): Promise<void> {
  console.log(`Code Mode engine benchmark — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${mb(os.totalmem())}`);
  const runner = new ScriptRunner();
  await runner.warm();
  await freshRun(runner);
  await perCallOverhead(runner);
  await parallelCalls(runner);
  await eventLoopDelay(runner);
  await rssGrowth(runner);
  runner.dispose();
  await typegen();
  console.log('');
  printTable();
}

void main();
