// A process and everything it started. A stdio MCP server is often a wrapper (`npx`, `uvx`, a
// shell script) whose real server is a grandchild sharing its pipes; ending the wrapper alone
// leaves that grandchild running for good. Linux reads /proc; macOS and the BSDs ask `ps`.
// Windows has no such listing here: `taskkill /T` ends a tree there (see stdio.ts).

import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** When it started, as the system says it: with the pid, this names one process even after the pid is reused. */
  readonly started: string;
}

/** One process from /proc; undefined when it has ended (a zombie has ended, only its parent has not noticed). */
async function fromProc(pid: number): Promise<ProcessEntry | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return { pid, ppid: Number(fields[1]), started: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

function fromPs(): Promise<ProcessEntry[]> {
  return new Promise((resolve) => {
    // `lstart` holds spaces, so it comes last.
    execFile('ps', ['-A', '-o', 'pid=,ppid=,stat=,lstart='], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return resolve([]);
      const entries: ProcessEntry[] = [];
      for (const line of stdout.split('\n')) {
        const match = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.+)$/.exec(line);
        if (match && !match[3]!.startsWith('Z')) entries.push({ pid: Number(match[1]), ppid: Number(match[2]), started: match[4]!.trim() });
      }
      resolve(entries);
    });
  });
}

/** Every live process this user can see; empty where the system offers no listing (Windows). */
export async function listProcesses(): Promise<ProcessEntry[]> {
  if (process.platform === 'win32') return [];
  if (process.platform !== 'linux') return fromPs();
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  return (await Promise.all(pids.map(fromProc))).filter((entry): entry is ProcessEntry => entry !== undefined);
}

/** `pid` and its descendants among `processes`, parents before children; empty when `pid` is not among them. */
export function treeOf(pid: number, processes: readonly ProcessEntry[]): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const entry of processes) {
    const siblings = children.get(entry.ppid);
    if (siblings) siblings.push(entry);
    else children.set(entry.ppid, [entry]);
  }
  const root = processes.find((entry) => entry.pid === pid);
  const tree = root ? [root] : [];
  for (let i = 0; i < tree.length; i++) {
    for (const child of children.get(tree[i]!.pid) ?? []) if (!tree.includes(child)) tree.push(child);
  }
  return tree;
}

/** The members of `tree` that still run: the same pid started at the same time, and not a zombie. */
export async function stillRunning(tree: readonly ProcessEntry[]): Promise<ProcessEntry[]> {
  if (tree.length === 0) return [];
  const now = process.platform === 'linux' ? await Promise.all(tree.map((entry) => fromProc(entry.pid))) : await listProcesses();
  return tree.filter((entry) => now.some((current) => current?.pid === entry.pid && current.started === entry.started));
}

export function signalAll(entries: readonly ProcessEntry[], signal: NodeJS.Signals): void {
  for (const entry of entries) {
    try {
      process.kill(entry.pid, signal);
    } catch {
      // Ended meanwhile.
    }
  }
}
