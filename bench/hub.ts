// The MCP servers the benchmark starts: the npm servers from this repository's node_modules, and
// the fixture server, behind an McpHub configured as the CLI would configure it.

import path from 'node:path';
import type { ServerDefinition } from '../src/core/config/types';
import { McpHub } from '../src/core/mcp/hub';

/** A stdio server run with this process's node: an npm server's entry, or any script. */
export function stdioServer(name: string, script: string, args: readonly string[] = [], env: Record<string, string> = {}): ServerDefinition {
  return { type: 'stdio', name, command: process.execPath, args: [script, ...args], env, source: { file: 'bench', path: name } };
}

/** The entry script of one of the @modelcontextprotocol npm servers. */
export function npmServerScript(root: string, pkg: string): string {
  return path.join(root, 'node_modules/@modelcontextprotocol', pkg, 'dist/index.js');
}

export function benchHub(servers: readonly ServerDefinition[]): McpHub {
  return new McpHub(servers, { variables: { env: process.env, inputs: [], input: async () => '' }, roots: () => [], startupTimeoutMs: 30_000, clientVersion: 'bench' });
}
