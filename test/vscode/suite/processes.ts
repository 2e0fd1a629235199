// What the extension host starts, seen two ways: its descendant processes (walking /proc by parent
// id), and the calls that start a process or a thread, caught by wrapping node:child_process and
// node:worker_threads in this process and attributed to a caller by their stack.

import childProcess from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import workerThreads from 'node:worker_threads';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** When it started (clock ticks since boot): with the pid, names a process even if the pid is reused. */
  readonly started: number;
  readonly command: string;
}

function readProcess(pid: string): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid … starttime …": comm may hold spaces and parentheses, so split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return { pid: Number(pid), ppid: Number(fields[1]), started: Number(fields[19]), command };
  } catch {
    return undefined; // Gone meanwhile.
  }
}

/** Every live process descending from `root` (not `root` itself). */
export function descendants(root: number): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const info = readProcess(pid);
    if (info) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info]);
  }
  const found: ProcessInfo[] = [];
  for (let queue = [...(children.get(root) ?? [])], next = queue.shift(); next; next = queue.shift()) {
    found.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return found;
}

export const processKey = (info: ProcessInfo): string => `${info.pid}@${info.started}`;

/** The names of this process's threads (Node names a worker thread "WorkerThread" unless told otherwise). */
export function threadNames(): string[] {
  return readdirSync('/proc/self/task').flatMap((task) => {
    try {
      return [readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim()];
    } catch {
      return [];
    }
  });
}

export interface StartCall {
  /** `child_process.spawn`, `worker_threads.Worker`, … */
  readonly api: string;
  /** The program or the worker's script. */
  readonly what: string;
  readonly stack: string;
}

/**
 * Where Code Mode's code lives (its bundles, and esbuild, the one dependency it loads from
 * node_modules), and where the tests' bundles live (mocha, in node_modules, is neither).
 */
export function codeModeFolders(extensionPath: string): { readonly ours: readonly string[]; readonly tests: string } {
  const folder = (...parts: string[]): string => `${path.join(extensionPath, ...parts)}${path.sep}`;
  return { ours: [folder('dist'), folder('node_modules', 'esbuild')], tests: folder('dist', 'test') };
}

const CHILD_PROCESS_APIS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/**
 * Records every call in this process that starts a process or a worker thread, until disposed.
 * Callers look these functions up on the module when they call them (bundled code, the MCP SDK's
 * cross-spawn, esbuild's service), so replacing the module's properties sees them all.
 */
export class StartProbe {
  readonly calls: StartCall[] = [];
  private readonly undo: (() => void)[] = [];

  constructor() {
    // The caller that matters may sit deep under library frames.
    const stackLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 200;
    this.undo.push(() => (Error.stackTraceLimit = stackLimit));
    const record = (api: string, what: unknown): void => {
      this.calls.push({ api, what: String(what), stack: new Error('started here').stack ?? '' });
    };
    // exec() calls execFile() through the module: count the outermost call only.
    let depth = 0;
    const module = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
    for (const name of CHILD_PROCESS_APIS) {
      const original = module[name]!;
      module[name] = function (this: unknown, ...args: unknown[]): unknown {
        if (depth === 0) record(`child_process.${name}`, args[0]);
        depth++;
        try {
          return original.apply(this, args);
        } finally {
          depth--;
        }
      };
      this.undo.push(() => (module[name] = original));
    }
    const OriginalWorker = workerThreads.Worker;
    class CountedWorker extends OriginalWorker {
      constructor(...args: ConstructorParameters<typeof OriginalWorker>) {
        record('worker_threads.Worker', args[0]);
        super(...args);
      }
    }
    const threads = workerThreads as { Worker: typeof OriginalWorker };
    threads.Worker = CountedWorker;
    this.undo.push(() => (threads.Worker = OriginalWorker));
  }

  /** The calls with a stack frame in one of `folders` that is not in one of `except`. */
  callsFrom(folders: readonly string[], except: readonly string[] = []): StartCall[] {
    const inside = (frame: string): boolean => folders.some((folder) => frame.includes(folder)) && !except.some((excluded) => frame.includes(excluded));
    return this.calls.filter((call) => call.stack.split('\n').some(inside));
  }

  dispose(): void {
    for (const undo of this.undo.splice(0).reverse()) undo();
  }
}
