// `codemode tools [query]`: the configured servers and their tools, or the tools matching words.

import { camelIdentifier } from '../core/naming';
import type { ToolInfo } from '../core/provider';
import { searchTools } from '../core/search';
import { assignIdentifiers } from '../core/naming';
import { openWorkspace } from './workspace';

function firstSentence(text: string | undefined, max = 100): string {
  if (!text) return '';
  const sentence = text.trim().split(/(?<=\.)\s|\n/)[0] ?? '';
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

function functionNames(tools: readonly ToolInfo[]): Map<ToolInfo, string> {
  const names = new Map<ToolInfo, string>();
  for (const server of new Set(tools.map((tool) => tool.server))) {
    const own = tools.filter((tool) => tool.server === server);
    const ids = assignIdentifiers(
      own.map((tool) => tool.name),
      'function',
    );
    for (const tool of own) names.set(tool, ids.get(tool.name) ?? camelIdentifier(tool.name));
  }
  return names;
}

export async function toolsCommand(positionals: readonly string[], values: Record<string, unknown>): Promise<number> {
  const workspace = await openWorkspace(values.config as string | undefined, { required: true, verbose: values.verbose === true });
  try {
    const catalog = await workspace.hub.catalog();
    const fns = functionNames(catalog.tools);
    const status = workspace.hub.status();
    const query = positionals.join(' ').trim();
    const describe = (tool: ToolInfo) => ({
      server: tool.server,
      namespace: workspace.hub.namespaceOf(tool.server),
      name: tool.name,
      function: fns.get(tool),
      ...(tool.title ? { title: tool.title } : {}),
      ...(tool.description ? { description: tool.description } : {}),
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
    });

    if (values.json === true) {
      const servers = status.map((server) => ({
        name: server.name,
        namespace: server.namespace,
        type: server.type,
        status: server.state.kind === 'ready' ? 'ready' : 'failed',
        ...(server.state.kind === 'failed' ? { error: server.state.error } : {}),
        tools: server.state.kind === 'ready' ? server.tools.map(describe) : [],
      }));
      const output = query ? { query, servers, matches: searchTools(catalog.tools, query).map((match) => ({ ...describe(match.tool), score: Number(match.score.toFixed(2)) })) } : { servers };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } else if (query) {
      const matches = searchTools(catalog.tools, query);
      if (matches.length === 0) process.stdout.write(`No tool matches "${query}".\n`);
      for (const { tool } of matches) {
        process.stdout.write(`${workspace.hub.namespaceOf(tool.server)}.${fns.get(tool)}  (${tool.server}/${tool.name})  ${firstSentence(tool.description)}\n`);
      }
    } else {
      for (const server of status) {
        if (server.state.kind !== 'ready') {
          process.stdout.write(`${server.name}: ${server.state.kind === 'failed' ? `failed to start: ${server.state.error}` : server.state.kind}\n\n`);
          continue;
        }
        process.stdout.write(`${server.name} (${server.type}, ${server.tools.length} tools) → ${server.namespace}\n`);
        const rows = server.tools.map((tool) => [fns.get(tool) ?? tool.name, firstSentence(tool.description)] as const);
        const width = Math.max(0, ...rows.map(([fn]) => fn.length));
        for (const [fn, text] of rows.sort((a, b) => a[0].localeCompare(b[0]))) process.stdout.write(`  ${fn.padEnd(width)}  ${text}\n`);
        process.stdout.write('\n');
      }
    }
    return catalog.unavailable.length > 0 ? 1 : 0;
  } finally {
    await workspace.hub.dispose();
  }
}
