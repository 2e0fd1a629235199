// Real MCP servers for tests: the npm packages this repository installs, and our fault fixture.
// HTTP servers listen on a free loopback port and are stopped (with their process group) after.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ServerDefinition } from '../../src/core/config/types';
import { McpHub } from '../../src/core/mcp/hub';
import { freePort } from './ports';
import { ROOT } from './root';

export { ROOT };
const packageMain = (name: string): string => path.join(ROOT, 'node_modules/@modelcontextprotocol', name, 'dist/index.js');
export const EVERYTHING = packageMain('server-everything');
export const FILESYSTEM = packageMain('server-filesystem');
export const MEMORY = packageMain('server-memory');
export const FIXTURE = path.join(ROOT, 'test/fixtures/mcp-fixture-server.mjs');

const source = { file: 'test', path: 'servers' };

export function stdio(name: string, args: readonly string[], env: Record<string, string> = {}): ServerDefinition {
  return { type: 'stdio', name, command: process.execPath, args, env, source };
}

export function remote(name: string, type: 'http' | 'sse', url: string, headers: Record<string, string> = {}): ServerDefinition {
  return { type, name, url, headers, source };
}

export function fixture(name: string, mode: string): ServerDefinition {
  return stdio(name, [FIXTURE, mode]);
}

export interface HubOptions {
  readonly startupTimeoutMs?: number;
  readonly workspaceFolder?: string;
  readonly logs?: string[];
}

export function hubOf(servers: readonly ServerDefinition[], options: HubOptions = {}): McpHub {
  const folder = options.workspaceFolder ?? ROOT;
  return new McpHub(servers, {
    variables: { workspaceFolder: folder, env: process.env, inputs: [], input: async (input) => `answer-for-${input.id}` },
    roots: () => [{ uri: `file://${folder}`, name: path.basename(folder) }],
    startupTimeoutMs: options.startupTimeoutMs ?? 20_000,
    clientVersion: 'test',
    onLog: (server, level, text) => options.logs?.push(`${server} ${level} ${text}`),
  });
}

export interface RunningHttpServer {
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts server-everything with the `streamableHttp` or `sse` transport and waits until it listens. */
export async function startEverythingHttp(transport: 'streamableHttp' | 'sse'): Promise<RunningHttpServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, transport], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server-everything ${transport} did not start`)), 20_000);
    const onData = (chunk: Buffer): void => {
      if (/listening|running/i.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server-everything ${transport} exited with ${code}`)));
  });
  return {
    port,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          resolve();
        }
      }),
  };
}

/** Live MCP server processes started by this process (to check that none are left behind). */
export async function serverChildren(): Promise<string[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid || fields[0] === 'Z') continue;
      const command = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ');
      if (/server-|fixture-server/.test(command)) found.push(`${entry} ${command}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}
