// The two tools a model uses Code Mode through — `codemode_run` (run a script) and
// `codemode_search` (look up the API) — as words: their names, descriptions, input schemas and the
// search tool's answer. The extension's language-model tools and `codemode serve` both speak
// these, so a model reads the same text wherever it meets Code Mode. package.json repeats the
// descriptions and schemas because VS Code reads them statically; a unit test keeps them equal.

import { assignIdentifiers } from './naming';
import type { JsonSchema, ToolCatalog } from './provider';
import { searchTools } from './search';
import { declarationText } from './typegen/generate';

/** An object schema, the shape both VS Code and MCP require of a tool's input. */
export type InputSchema = {
  readonly type: 'object';
  readonly properties: { readonly [name: string]: JsonSchema };
  readonly required?: string[];
};

export interface ModelToolDefinition {
  readonly name: string;
  /** A short name for people (VS Code's displayName, MCP's title). */
  readonly title: string;
  /** What the model reads to decide when and how to call the tool. */
  readonly description: string;
  readonly inputSchema: InputSchema;
}

export const RUN_TOOL: ModelToolDefinition = {
  name: 'codemode_run',
  title: 'Run Code Mode script',
  description:
    'Run a TypeScript (or JavaScript) script in a sandbox where every configured MCP server is a global namespace of async functions: call tools as `await server.toolName({ ...args })` (names in camelCase). Use this instead of calling tools one by one: look the API up first with codemode_search, then write one script that makes all the calls, runs independent calls together with Promise.all, filters and summarises the data inside the script, and returns only the answer (`return { ... }`). Top-level await and return work. console.log output is returned too. A failing tool throws a ToolError (catch it to recover). There is no require, import, fetch, process or filesystem access: only the tool namespaces. The result reports each tool call and, on failure, the error with its line and which calls had completed.',
  inputSchema: {
    type: 'object',
    properties: {
      code: { type: 'string', description: 'The script: TypeScript or JavaScript, with top-level await; return the answer.' },
    },
    required: ['code'],
  },
};

export const SEARCH_TOOL: ModelToolDefinition = {
  name: 'codemode_search',
  title: 'Search Code Mode tools',
  description:
    'Find MCP tools by words and get their TypeScript declarations (function signatures, input and output types, docs) to write a codemode_run script against. An empty query lists every namespace and its tools.',
  inputSchema: {
    type: 'object',
    properties: {
      query: {
        type: 'string',
        description: 'Words describing what the tools should do, such as "read file" or "create issue"; empty for the list of all tools.',
      },
    },
  },
};

/** The most text one run gives back to a model unless configured otherwise. */
export const DEFAULT_MODEL_OUTPUT_CHARS = 20_000;

/** Declarations returned for one search: enough to choose from, few enough to stay short. */
const SEARCH_MATCHES = 8;

/**
 * A sentence naming the namespaces scripts can use, for descriptions that can change at run time
 * (an MCP server's tool list, unlike VS Code's static ones, is read when a client connects).
 */
export function namespacesNote(namespaces: ReadonlyMap<string, string>): string {
  if (namespaces.size === 0) return 'No MCP server is configured, so scripts have no tool namespaces yet.';
  const list = [...namespaces].map(([server, namespace]) => (server === namespace ? namespace : `${namespace} (server "${server}")`)).join(', ');
  return `The namespaces are: ${list}. Call codemode_search first to get their TypeScript declarations.`;
}

/**
 * The search tool's answer over a catalogue of every server: with no query, each namespace and
 * its tools' names; with words, the declarations of the best-matching tools. Either way, servers
 * that could not start are named with the reason, so a model does not write calls to them.
 */
export async function searchAnswer(catalog: ToolCatalog, query: string): Promise<string> {
  const words = query.trim();
  const down = catalog.unavailable.map((server) => `Server "${server.server}" is unavailable: ${server.reason}`);
  if (!words) {
    const servers = [...new Set([...catalog.tools.map((tool) => tool.server), ...catalog.unavailable.map((entry) => entry.server)])];
    const namespaces = catalog.namespaces ?? assignIdentifiers(servers, 'namespace');
    if (namespaces.size === 0) return 'No MCP server is configured, so there are no tools to search.';
    const failed = new Set(catalog.unavailable.map((entry) => entry.server));
    const lines = [...namespaces].map(([server, namespace]) => {
      const names = catalog.tools.filter((tool) => tool.server === server).map((tool) => tool.name).join(', ');
      return `${namespace} (server "${server}", ${failed.has(server) ? 'failed' : 'ready'}): ${names || 'no tools'}`;
    });
    return [`Namespaces and their tools (search by words to get their TypeScript declarations):`, ...lines, ...down].join('\n');
  }
  const matches = searchTools(catalog.tools, words, SEARCH_MATCHES);
  if (matches.length === 0) return [`No tool matches "${words}". Search with other words, or with an empty query for the list of all tools.`, ...down].join('\n');
  const declarations = await declarationText(
    matches.map((match) => match.tool),
    catalog.namespaces,
  );
  return [`TypeScript declarations of the ${matches.length} best-matching tools (call them as namespace.function({ ... }) in ${RUN_TOOL.name}):`, declarations, ...down].join('\n\n');
}
