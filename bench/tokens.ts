// The token suite: realistic tasks over the real filesystem, memory and everything servers, each
// done once as a code-mode script and once as the tool calls an agent would make one by one. Both
// run for real against the same servers and data; both are counted with the panel's accounting
// (src/core/tokens/account.ts) and the same tokenizer.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ToolInfo } from '../src/core/provider';
import { formatForModel } from '../src/core/run/format';
import { ScriptRunner } from '../src/core/run/runner';
import { accountTokens, CallCollector, type ToolDefinition } from '../src/core/tokens/account';
import { o200kCounter } from '../src/core/tokens/o200k';
import { declarationText } from '../src/core/typegen/generate';
import { benchHub, npmServerScript, stdioServer } from './hub';

type Call = (server: string, tool: string, args: Record<string, unknown>) => Promise<unknown>;

export interface Task {
  readonly name: string;
  /** What kind of task it is: where code mode should win big, and where it should not. */
  readonly kind: 'data-heavy' | 'multi-step' | 'single call';
  readonly script: string;
  /** The calls an agent makes to do the same, in order (later ones may depend on earlier results). */
  readonly direct: (call: Call, root: string) => Promise<void>;
}

export interface TokenRow {
  readonly task: string;
  readonly kind: Task['kind'];
  readonly codeMode: number;
  readonly direct: number;
  /** Direct calling with only the servers the task uses enabled: the tightest fair baseline. */
  readonly directOwnServers: number;
  readonly calls: number;
}

const OUTPUT_CHARS = 20_000;
const text = (value: unknown): string => (typeof value === 'string' ? value : ((value as { content?: string }).content ?? JSON.stringify(value)));

/** A project tree with large files, and a knowledge graph, generated the same way every run. */
function generateData(dir: string): { root: string; memoryFile: string } {
  const root = path.join(dir, 'project');
  mkdirSync(path.join(root, 'logs'), { recursive: true });
  mkdirSync(path.join(root, 'src'), { recursive: true });
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  const components = ['auth', 'billing', 'search', 'storage', 'api'];
  const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const hour = String(Math.floor(i / 1000)).padStart(2, '0');
    const level = levels[(i * 7) % levels.length]!;
    const component = components[(i * 3) % components.length]!;
    lines.push(`2026-11-20T${hour}:${String(i % 60).padStart(2, '0')}:00Z ${level} [${component}] request ${i} ${level === 'ERROR' ? `failed: ${['timeout', 'refused', 'quota exceeded'][i % 3]}` : 'completed in ' + ((i * 13) % 900) + ' ms'}`);
  }
  writeFileSync(path.join(root, 'logs/service.log'), lines.join('\n'));
  const countries = ['DE', 'FR', 'US', 'JP', 'BR', 'IN', 'GB'];
  const customers = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `Customer ${i}`, plan: ['free', 'team', 'enterprise'][i % 3], seats: (i * 37) % 500, country: countries[i % countries.length], email: `owner${i}@example.com` }));
  writeFileSync(path.join(root, 'customers.json'), JSON.stringify(customers, null, 2));
  for (let i = 0; i < 30; i++) {
    const body = Array.from({ length: 120 }, (_, line) => (line % 40 === 7 && i % 4 === 0 ? `  // TODO: handle the ${line} case` : `  const value${line} = compute(${line}, ${i});`)).join('\n');
    writeFileSync(path.join(root, `src/module${i}.ts`), `export function run${i}() {\n${body}\n}\n`);
  }
  for (let i = 0; i < 20; i++) {
    writeFileSync(path.join(root, `docs/guide${i}.md`), `# Guide ${i}: ${components[i % components.length]}\n\n${'This guide explains one part of the system in detail. '.repeat(60)}\n`);
  }
  writeFileSync(path.join(root, 'README.md'), '# Project\n\nA sample project for the token benchmark.\n');
  const memoryFile = path.join(dir, 'memory.jsonl');
  const graph: string[] = [];
  for (let i = 0; i < 300; i++) graph.push(JSON.stringify({ type: 'entity', name: `person-${i}`, entityType: i % 10 === 0 ? 'manager' : 'engineer', observations: [`works on ${components[i % components.length]}`, `joined in ${2015 + (i % 10)}`, `based in ${countries[i % countries.length]}`] }));
  for (let i = 0; i < 600; i++) graph.push(JSON.stringify({ type: 'relation', from: `person-${i % 300}`, to: `person-${(i * 7 + 1) % 300}`, relationType: i % 2 === 0 ? 'reports_to' : 'works_with' }));
  writeFileSync(memoryFile, graph.join('\n'));
  return { root, memoryFile };
}

export const TASKS: readonly Task[] = [
  {
    name: 'Count the errors in a 1.3 MB log by component',
    kind: 'data-heavy',
    script: `const { content } = await filesystem.readTextFile({ path: ROOT + '/logs/service.log' });
const counts: Record<string, number> = {};
for (const line of content.split('\\n')) if (line.includes(' ERROR ')) { const c = /\\[(\\w+)\\]/.exec(line)![1]!; counts[c] = (counts[c] ?? 0) + 1; }
return counts;`,
    direct: async (call, root) => void (await call('filesystem', 'read_text_file', { path: `${root}/logs/service.log` })),
  },
  {
    name: 'The last 20 lines of the log that are warnings',
    kind: 'data-heavy',
    script: `const { content } = await filesystem.readTextFile({ path: ROOT + '/logs/service.log', tail: 400 });
return content.split('\\n').filter((line) => line.includes(' WARN ')).slice(-20);`,
    direct: async (call, root) => void (await call('filesystem', 'read_text_file', { path: `${root}/logs/service.log`, tail: 400 })),
  },
  {
    name: 'Seats per country from 1,000 customers',
    kind: 'data-heavy',
    script: `const customers: { seats: number; country: string }[] = JSON.parse((await filesystem.readTextFile({ path: ROOT + '/customers.json' })).content);
const seats: Record<string, number> = {};
for (const c of customers) seats[c.country] = (seats[c.country] ?? 0) + c.seats;
return seats;`,
    direct: async (call, root) => void (await call('filesystem', 'read_text_file', { path: `${root}/customers.json` })),
  },
  {
    name: 'Files with a TODO among 30 source files',
    kind: 'data-heavy',
    script: `const listing = (await filesystem.listDirectory({ path: ROOT + '/src' })).content;
const files = listing.split('\\n').filter((l) => l.startsWith('[FILE]')).map((l) => ROOT + '/src/' + l.slice(7));
const texts = await Promise.all(files.map((p) => filesystem.readTextFile({ path: p })));
return files.filter((_, i) => texts[i]!.content.includes('TODO')).map((p) => p.split('/').pop());`,
    direct: async (call, root) => {
      const listing = text(await call('filesystem', 'list_directory', { path: `${root}/src` }));
      const files = listing.split('\n').filter((line) => line.startsWith('[FILE]')).map((line) => `${root}/src/${line.slice(7)}`);
      await call('filesystem', 'read_multiple_files', { paths: files });
    },
  },
  {
    name: 'Titles and sizes of 20 guides',
    kind: 'data-heavy',
    script: `const dir = ROOT + '/docs';
const names = (await filesystem.listDirectory({ path: dir })).content.split('\\n').filter((l) => l.startsWith('[FILE]')).map((l) => l.slice(7));
const texts = await Promise.all(names.map((n) => filesystem.readTextFile({ path: dir + '/' + n, head: 1 })));
const infos = await Promise.all(names.map((n) => filesystem.getFileInfo({ path: dir + '/' + n })));
return names.map((n, i) => ({ title: texts[i]!.content.replace('# ', ''), bytes: Number(/size: (\\d+)/.exec(infos[i]!.content)?.[1]) }));`,
    direct: async (call, root) => {
      const names = text(await call('filesystem', 'list_directory', { path: `${root}/docs` })).split('\n').filter((line) => line.startsWith('[FILE]')).map((line) => line.slice(7));
      await call('filesystem', 'list_directory_with_sizes', { path: `${root}/docs` });
      await call('filesystem', 'read_multiple_files', { paths: names.map((name) => `${root}/docs/${name}`) });
    },
  },
  {
    name: 'Managers with the most reports in a 300-person graph',
    kind: 'data-heavy',
    script: `const graph = await memory.readGraph({});
const reports: Record<string, number> = {};
for (const r of graph.relations) if (r.relationType === 'reports_to') reports[r.to] = (reports[r.to] ?? 0) + 1;
const managers = new Set(graph.entities.filter((e) => e.entityType === 'manager').map((e) => e.name));
return Object.entries(reports).filter(([name]) => managers.has(name)).sort((a, b) => b[1] - a[1]).slice(0, 5);`,
    direct: async (call) => void (await call('memory', 'read_graph', {})),
  },
  {
    name: 'Store the enterprise customers in memory, then look one up',
    kind: 'multi-step',
    script: `const customers: { name: string; plan: string; seats: number; country: string }[] = JSON.parse((await filesystem.readTextFile({ path: ROOT + '/customers.json' })).content);
const enterprise = customers.filter((c) => c.plan === 'enterprise').slice(0, 50);
await memory.createEntities({ entities: enterprise.map((c) => ({ name: c.name, entityType: 'customer', observations: [c.seats + ' seats', 'in ' + c.country] })) });
const found = await memory.openNodes({ names: [enterprise[0]!.name] });
return { stored: enterprise.length, first: found.entities[0] };`,
    direct: async (call, root) => {
      const customers = JSON.parse(text(await call('filesystem', 'read_text_file', { path: `${root}/customers.json` }))) as { name: string; plan: string; seats: number; country: string }[];
      const enterprise = customers.filter((customer) => customer.plan === 'enterprise').slice(0, 50);
      await call('memory', 'create_entities', { entities: enterprise.map((customer) => ({ name: customer.name, entityType: 'customer', observations: [`${customer.seats} seats`, `in ${customer.country}`] })) });
      await call('memory', 'open_nodes', { names: [enterprise[0]!.name] });
    },
  },
  {
    name: 'Sums of five pairs of numbers',
    kind: 'multi-step',
    script: `return await Promise.all([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]].map(([a, b]) => everything.getSum({ a: a!, b: b! })));`,
    direct: async (call) => {
      for (const [a, b] of [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]) await call('everything', 'get-sum', { a, b });
    },
  },
  {
    name: 'Find one person in the graph',
    kind: 'single call',
    script: `return await memory.searchNodes({ query: 'person-42' });`,
    direct: async (call) => void (await call('memory', 'search_nodes', { query: 'person-42' })),
  },
  {
    name: 'Add two numbers',
    kind: 'single call',
    script: `return await everything.getSum({ a: 19, b: 23 });`,
    direct: async (call) => void (await call('everything', 'get-sum', { a: 19, b: 23 })),
  },
  {
    name: 'The weather for one city',
    kind: 'single call',
    script: `return await everything.getStructuredContent({ location: 'Chicago' });`,
    direct: async (call) => void (await call('everything', 'get-structured-content', { location: 'Chicago' })),
  },
  {
    name: 'Read a short README',
    kind: 'single call',
    script: `return (await filesystem.readTextFile({ path: ROOT + '/README.md' })).content;`,
    direct: async (call, root) => void (await call('filesystem', 'read_text_file', { path: `${root}/README.md` })),
  },
];

/** Code Mode's own two tools, as the extension contributes them (package.json). */
function codeModeTools(repoRoot: string): ToolDefinition[] {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { languageModelTools: { name: string; modelDescription: string; inputSchema: ToolDefinition['inputSchema'] }[] } };
  return manifest.contributes.languageModelTools.map((tool) => ({ name: tool.name, description: tool.modelDescription, inputSchema: tool.inputSchema }));
}

export async function tokenSuite(repoRoot: string): Promise<TokenRow[]> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'codemode-tokens-'));
  const { root, memoryFile } = generateData(scratch);
  const hub = benchHub([
    stdioServer('filesystem', npmServerScript(repoRoot, 'server-filesystem'), [root]),
    stdioServer('memory', npmServerScript(repoRoot, 'server-memory'), [], { MEMORY_FILE_PATH: memoryFile }),
    stdioServer('everything', npmServerScript(repoRoot, 'server-everything'), ['stdio']),
  ]);
  const runner = new ScriptRunner();
  const rows: TokenRow[] = [];
  try {
    const catalog = await hub.catalog();
    const tools: readonly ToolInfo[] = catalog.tools;
    const ownTools = codeModeTools(repoRoot);
    for (const task of TASKS) {
      const script = task.script.replaceAll('ROOT', JSON.stringify(root));
      const result = await runner.run({ code: script, fileName: 'task.ts', provider: hub, source: 'bench' });
      if (!result.ok) throw new Error(`the script of "${task.name}" failed: ${result.error?.name}: ${result.error?.message}`);
      const used = new Set(result.calls.map((call) => call.server));
      const apiText = await declarationText(tools.filter((tool) => used.has(tool.server)), catalog.namespaces);

      const calls = new CallCollector();
      let callId = 0;
      const call: Call = async (serverName, tool, args) => {
        const id = ++callId;
        calls.started(id, args);
        try {
          const value = await hub.callTool(serverName, tool, args, { signal: new AbortController().signal, timeoutMs: 60_000 });
          calls.finished(id, { ok: true, result: value });
          return value;
        } catch (error) {
          calls.finished(id, { ok: false, error: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      };
      await task.direct(call, root);
      const input = { apiText, apiLabel: 'API declarations', codeModeTools: ownTools, script, output: formatForModel(result, OUTPUT_CHARS), calls: calls.list() };
      const all = await accountTokens({ ...input, tools }, o200kCounter());
      const own = await accountTokens({ ...input, tools: tools.filter((tool) => used.has(tool.server)) }, o200kCounter());
      rows.push({ task: task.name, kind: task.kind, codeMode: all.codeMode.total, direct: all.direct.total, directOwnServers: own.direct.total, calls: callId });
    }
  } finally {
    runner.dispose();
    await hub.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
  return rows;
}
