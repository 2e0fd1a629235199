// Soak and load: many runs in one process against a real MCP server over stdio, with memory
// sampled as it goes; and many runs at once, each checked for anything of another run in its
// tools' arguments, its logs or its result.

import type { McpHub } from '../../src/core/mcp/hub';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/trace';
import { fixture, hubOf } from '../helpers/servers';
import { formatMb, formatMs, table, type StressSection } from './report';

/** Run kinds of the soak, in the proportions they come in: mostly work, some of every failure. */
const SOAK_MIX: readonly { readonly kind: string; readonly every: number; readonly code: (i: number) => string; readonly limits?: Record<string, number>; readonly ok: boolean }[] = [
  { kind: 'CPU limit', every: 100, code: () => 'while (true) {}', limits: { timeoutMs: 20 }, ok: false },
  { kind: 'syntax error', every: 50, code: () => 'return (', ok: false },
  { kind: 'tool error', every: 20, code: () => 'await fixture.fail({ message: "no" })', ok: false },
  { kind: 'script throws', every: 10, code: (i) => `throw new Error("run ${i} fails")`, ok: false },
  {
    kind: 'tool call, logs, result',
    every: 1,
    code: (i) => `const got = await fixture.echo({ value: { run: ${i}, items: Array.from({ length: 50 }, (_, k) => k) } });
console.log("run", ${i}, "got", got.value.items.length);
return { run: got.value.run, sum: got.value.items.reduce((a, b) => a + b, 0) };`,
    ok: true,
  },
];

function soakRun(i: number): (typeof SOAK_MIX)[number] {
  return SOAK_MIX.find((entry) => i % entry.every === 0)!;
}

interface MemorySample {
  readonly runs: number;
  readonly rss: number;
  readonly heap: number;
  readonly msPerRun: number;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** `runs` runs one after another; memory is sampled (after a collection) every `every` runs. */
export async function soak(runner: ScriptRunner, hub: McpHub, runs: number, every: number): Promise<{ samples: MemorySample[]; wrong: string[]; counts: Map<string, number> }> {
  const samples: MemorySample[] = [];
  const wrong: string[] = [];
  const counts = new Map<string, number>();
  let started = performance.now();
  for (let i = 1; i <= runs; i++) {
    const entry = soakRun(i);
    counts.set(entry.kind, (counts.get(entry.kind) ?? 0) + 1);
    const result = await runner.run({ code: entry.code(i), provider: hub, limits: entry.limits ?? {}, source: 'test' });
    const right = entry.ok ? result.ok && JSON.stringify(result.result) === JSON.stringify({ run: i, sum: 1225 }) : !result.ok;
    if (!right && wrong.length < 10) wrong.push(`run ${i} (${entry.kind}): ${result.ok ? JSON.stringify(result.result) : result.error?.message}`);
    if (i % every === 0) {
      const msPerRun = (performance.now() - started) / every;
      collectGarbage();
      const usage = process.memoryUsage();
      samples.push({ runs: i, rss: usage.rss, heap: usage.heapUsed, msPerRun });
      started = performance.now();
    }
  }
  return { samples, wrong, counts };
}

/** The script of run `i` of a concurrent batch: everything it sends and prints carries `i`. */
function concurrentScript(i: number): string {
  return `const seen = [];
for (let step = 0; step < 5; step++) {
  const [echoed] = await Promise.all([fixture.echo({ value: { run: ${i}, step } }), fixture.slow({ ms: ${(i * 7) % 23} + step })]);
  seen.push(echoed.value.run);
  console.log("run ${i} step", step);
}
return { run: ${i}, seen };`;
}

/** What in a concurrent run's outcome belongs to another run; empty when it is all its own. */
export function crossTalk(i: number, result: RunResult): string[] {
  const problems: string[] = [];
  if (!result.ok) return [`run ${i} failed: ${result.error?.message}`];
  const value = result.result as { run: number; seen: number[] };
  if (value.run !== i || value.seen.length !== 5 || value.seen.some((run) => run !== i)) problems.push(`run ${i} returned ${JSON.stringify(value)}`);
  if (result.logs.length !== 5 || result.logs.some((entry, step) => entry.text !== `run ${i} step ${step}`)) problems.push(`run ${i} logged ${JSON.stringify(result.logs.map((entry) => entry.text))}`);
  const foreign = result.calls.filter((call) => call.tool === 'echo' && (call.args as { value: { run: number } }).value.run !== i);
  if (result.calls.length !== 10 || foreign.length > 0) problems.push(`run ${i} recorded ${result.calls.length} calls, ${foreign.length} of another run`);
  return problems;
}

/** `count` runs at once; returns the wall time, the peak RSS seen and every cross-talk found. */
export async function concurrent(runner: ScriptRunner, hub: McpHub, count: number): Promise<{ ms: number; peakRss: number; problems: string[] }> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const results = await Promise.all(Array.from({ length: count }, (_, i) => runner.run({ code: concurrentScript(i), provider: hub, source: 'test' })));
    return { ms: performance.now() - started, peakRss, problems: results.flatMap((result, i) => crossTalk(i, result)) };
  } finally {
    clearInterval(sampler);
  }
}

export function soakHub(): McpHub {
  return hubOf([fixture('fixture', 'basic')]);
}

export async function soakSection(runs = 10_000): Promise<StressSection> {
  const runner = new ScriptRunner();
  const hub = soakHub();
  try {
    await runner.run({ code: 'return await fixture.echo({ value: 1 })', provider: hub, source: 'test' });
    collectGarbage();
    const before = process.memoryUsage();
    const sampleEvery = runs / 10;
    const soaked = await soak(runner, hub, runs, sampleEvery);
    const settled = soaked.samples.find((sample) => sample.runs >= runs / 5) ?? soaked.samples[0]!;
    const last = soaked.samples.at(-1)!;
    const rssGrowth = last.rss - settled.rss;
    const heapGrowth = last.heap - settled.heap;

    const batches: { ms: number; peakRss: number; problems: string[]; rssAfter: number }[] = [];
    for (let batch = 0; batch < 3; batch++) {
      const outcome = await concurrent(runner, hub, 100);
      collectGarbage();
      batches.push({ ...outcome, rssAfter: process.memoryUsage().rss });
    }

    const failures = [
      ...soaked.wrong,
      ...batches.flatMap((batch) => batch.problems.slice(0, 5)),
      ...(rssGrowth > 40 * 1024 * 1024 ? [`RSS grew ${formatMb(rssGrowth)} between run ${settled.runs} and run ${last.runs} (bound: 40 MB)`] : []),
      ...(heapGrowth > 8 * 1024 * 1024 ? [`the JS heap grew ${formatMb(heapGrowth)} between run ${settled.runs} and run ${last.runs} (bound: 8 MB)`] : []),
    ];
    const body = [
      `${runs.toLocaleString('en')} runs, one after another, in one process and one \`ScriptRunner\`, against the fixture MCP server over stdio: ${[...soaked.counts].map(([kind, count]) => `${count.toLocaleString('en')} × ${kind}`).join(', ')}. Memory is read after a full collection every ${sampleEvery.toLocaleString('en')} runs. Before the first sample: RSS ${formatMb(before.rss)}, heap ${formatMb(before.heapUsed)}.`,
      '',
      table(
        ['runs', 'RSS', 'JS heap', 'per run'],
        soaked.samples.map((sample) => [sample.runs.toLocaleString('en'), formatMb(sample.rss), formatMb(sample.heap), formatMs(sample.msPerRun)]),
      ),
      '',
      `Growth from run ${settled.runs.toLocaleString('en')} to run ${last.runs.toLocaleString('en')}: RSS ${formatMb(rssGrowth)} (bound 40 MB), JS heap ${formatMb(heapGrowth)} (bound 8 MB). Runs that came back wrong: ${soaked.wrong.length}.`,
      '',
      '100 runs at once, three times over. Each run makes 5 rounds of two parallel calls (`echo` of its own number, and a `slow` call of a different length per run, so answers come back interleaved), logs each round and returns what it saw. Every run is checked for any other run\'s number in its results, its logs and its recorded calls.',
      '',
      table(
        ['batch', 'wall time', 'peak RSS', 'RSS after', 'runs with cross-talk'],
        batches.map((batch, i) => [i + 1, formatMs(batch.ms), formatMb(batch.peakRss), formatMb(batch.rssAfter), new Set(batch.problems.map((problem) => problem.split(' ')[1])).size]),
      ),
    ].join('\n');
    return { title: 'Soak and load', body, failures };
  } finally {
    runner.dispose();
    await hub.dispose();
  }
}
