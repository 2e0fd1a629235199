// The engine figures every contender is measured on, in a process of its own on Node 24, with
// its tools served by the same MCP server over the same transport (stdio). A contender only says
// how to run a script and how a script calls a tool; the measuring is the same for all.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { percentile, time } from '../stats';

export interface EngineFigures {
  readonly engine: string;
  readonly version: string;
  /** Median and 95th percentile of a run of `return 1`, ms. */
  readonly freshMs?: { readonly median: number; readonly p95: number };
  /** Median time per call of a script making sequential calls of a tool that answers at once, µs. */
  readonly perCallUs: number;
  /** One call of a 100 ms tool, and ten of them in Promise.all, ms. */
  readonly oneSlowMs: number;
  readonly tenSlowMs: number;
  /** RSS added per run while 20 runs wait on a tool together, MB. */
  readonly memoryPerRunMb?: number;
  readonly notes: string[];
}

export interface Engine {
  readonly name: string;
  readonly version: string;
  /** A script expression that calls a fixture tool with the given argument object text. */
  call(tool: 'echo' | 'slow', args: string): string;
  run(js: string): Promise<unknown>;
  readonly notes?: string[];
}

export const SEQUENTIAL_CALLS = 500;
const CONCURRENT_RUNS = 20;

/** One MCP client on the fixture server (test/fixtures/mcp-fixture-server.mjs), over stdio. */
export async function connectFixture(serverScript: string): Promise<Client> {
  const client = new Client({ name: 'codemode-bench', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [serverScript, 'basic'], stderr: 'ignore' }));
  return client;
}

/** What a sandboxed tool hands back: the structured content, as every contender's adapter does. */
export async function callFixture(client: Client, tool: string, args: Record<string, unknown>): Promise<unknown> {
  const result = await client.callTool({ name: tool, arguments: args });
  return result.structuredContent ?? result.content;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

export async function measureEngine(engine: Engine): Promise<EngineFigures> {
  for (let i = 0; i < 10; i++) await engine.run('return 1');
  const fresh: number[] = [];
  for (let i = 0; i < 100; i++) fresh.push(await time(() => engine.run('return 1')));

  const loop = `let last; for (let i = 0; i < ${SEQUENTIAL_CALLS}; i++) last = await ${engine.call('echo', '{ value: i }')}; return last;`;
  await engine.run(loop);
  const perCall: number[] = [];
  for (let round = 0; round < 5; round++) perCall.push(((await time(() => engine.run(loop))) / SEQUENTIAL_CALLS) * 1000);

  const one: number[] = [];
  const ten: number[] = [];
  for (let round = 0; round < 5; round++) {
    one.push(await time(() => engine.run(`return await ${engine.call('slow', '{ ms: 100 }')}`)));
    ten.push(await time(() => engine.run(`return await Promise.all(Array.from({ length: 10 }, () => ${engine.call('slow', '{ ms: 100 }')}))`)));
  }

  // Twenty runs alive at once, each waiting on a tool: what each costs while it lives.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  await Promise.all(Array.from({ length: CONCURRENT_RUNS }, () => engine.run(`const data = Array.from({ length: 1000 }, (_, i) => ({ i })); await ${engine.call('slow', '{ ms: 1500 }')}; return data.length;`)));
  clearInterval(sampler);

  return {
    engine: engine.name,
    version: engine.version,
    freshMs: { median: percentile(fresh, 50), p95: percentile(fresh, 95) },
    perCallUs: percentile(perCall, 50),
    oneSlowMs: percentile(one, 50),
    tenSlowMs: percentile(ten, 50),
    memoryPerRunMb: (peak - before) / CONCURRENT_RUNS / 1024 / 1024,
    notes: engine.notes ?? [],
  };
}

/** The limit: the same calls made straight from Node through the MCP client, no sandbox. */
export async function measureDirect(client: Client, version: string): Promise<EngineFigures> {
  for (let i = 0; i < 50; i++) await callFixture(client, 'echo', { value: i });
  const perCall: number[] = [];
  for (let round = 0; round < 5; round++) {
    perCall.push(
      ((await time(async () => {
        for (let i = 0; i < SEQUENTIAL_CALLS; i++) await callFixture(client, 'echo', { value: i });
      })) / SEQUENTIAL_CALLS) * 1000,
    );
  }
  const one: number[] = [];
  const ten: number[] = [];
  for (let round = 0; round < 5; round++) {
    one.push(await time(() => callFixture(client, 'slow', { ms: 100 })));
    ten.push(await time(() => Promise.all(Array.from({ length: 10 }, () => callFixture(client, 'slow', { ms: 100 })))));
  }
  return { engine: 'direct MCP client (no sandbox)', version, perCallUs: percentile(perCall, 50), oneSlowMs: percentile(one, 50), tenSlowMs: percentile(ten, 50), notes: [] };
}

/** Each contender's program prints its figures as one JSON line, last. */
export function report(figures: EngineFigures): void {
  process.stdout.write(`\n@@figures ${JSON.stringify(figures)}\n`);
}
