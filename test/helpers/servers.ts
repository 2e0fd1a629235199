// Real MCP servers for tests: the npm packages this repository installs, and our fault fixture.
// HTTP servers listen on a free loopback port and are stopped (with their process group) after.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServerDefinition } from '../../src/core/config/types';
import { McpHub } from '../../src/core/mcp/hub';
import { listProcesses, stillRunning, treeOf, type ProcessEntry } from '../../src/core/mcp/processTree';
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

/** esbuild's service process, which this process keeps for transforming scripts for as long as it runs. */
const ESBUILD_SERVICE = /(^|\/)esbuild(\.exe)? --service=/;

export interface LiveProcess extends ProcessEntry {
  readonly command: string;
}

/**
 * Live processes this process started, directly or not — servers, the grandchildren a wrapper
 * started, anything they started — except esbuild's service. Found by walking parent ids in
 * /proc (so Linux only), so a grandchild counts while its parent lives; see `stillAlive` for one
 * whose parent is gone.
 */
export async function descendantProcesses(): Promise<LiveProcess[]> {
  const found: LiveProcess[] = [];
  for (const entry of treeOf(process.pid, await listProcesses()).slice(1)) {
    let command: string;
    try {
      command = (await readFile(`/proc/${entry.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
    } catch {
      continue; // Ended while we looked.
    }
    if (!ESBUILD_SERVICE.test(command)) found.push({ ...entry, command });
  }
  return found;
}

/** Descendant processes as "pid command"; empty when none is left behind. */
export async function serverChildren(): Promise<string[]> {
  return (await descendantProcesses()).map((entry) => `${entry.pid} ${entry.command}`);
}

/**
 * Which of `processes` still run, as "pid command", wherever they belong now: the child of a
 * wrapper that was killed belongs to init and is no descendant of ours any more.
 */
export async function stillAlive(processes: readonly LiveProcess[]): Promise<string[]> {
  const running = await stillRunning(processes);
  return processes.filter((entry) => running.includes(entry)).map((entry) => `${entry.pid} ${entry.command}`);
}
