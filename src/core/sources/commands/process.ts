// Runs one program without a shell and collects its output, within a time limit and an output
// limit. On timeout, cancellation or too much output, the program and everything it started are
// killed: it runs as the leader of its own process group, and its descendants are found by their
// parent ids too, for those that left the group.

import { execFile, spawn } from 'node:child_process';
import { listProcesses, signalAll, treeOf } from '../../mcp/processTree';
import { ToolCallError } from '../../provider';

export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly maxOutputBytes: number;
}

export interface RunOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The end of its stderr (the part that says what went wrong). */
  readonly stderr: string;
}

const STDERR_KEEP_CHARS = 4096;

/** Kills `pid` and its descendants at once: a tool call that is over has no use for a grace period. */
async function killTree(pid: number): Promise<void> {
  if (process.platform === 'win32') {
    await new Promise<void>((resolve) => execFile('taskkill', ['/T', '/F', '/PID', String(pid)], () => resolve()));
    return;
  }
  // The tree is listed before the group is killed: once the leader is gone, its children belong to init.
  const tree = treeOf(pid, await listProcesses());
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group has ended already.
  }
  signalAll(tree, 'SIGKILL');
}

export function runProgram(command: string, args: readonly string[], options: RunOptions): Promise<RunOutcome> {
  return new Promise<RunOutcome>((resolve, reject) => {
    if (options.signal.aborted) return reject(new ToolCallError(`cancelled (${String(options.signal.reason ?? 'aborted')})`));
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, shell: false, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: ToolCallError | undefined;
    const stop = (why: ToolCallError): void => {
      if (failure) return;
      failure = why;
      if (child.pid !== undefined) void killTree(child.pid);
    };
    const timer = setTimeout(() => stop(new ToolCallError(`"${command}" did not finish within ${options.timeoutMs} ms and was killed`)), options.timeoutMs);
    const onAbort = (): void => stop(new ToolCallError(`cancelled (${String(options.signal.reason ?? 'aborted')})`));
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.byteLength;
      if (stdoutBytes > options.maxOutputBytes) stop(new ToolCallError(`"${command}" wrote more than ${options.maxOutputBytes} bytes and was killed`));
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP_CHARS);
    });
    const finish = (): void => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish();
      reject(new ToolCallError(error.code === 'ENOENT' ? `the command "${command}" was not found (or the folder ${options.cwd} does not exist)` : `"${command}" could not be started: ${error.message}`));
    });
    // 'close', not 'exit': the output is complete only once the pipes have closed.
    child.on('close', (code, signal) => {
      finish();
      if (failure) reject(failure);
      else resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr });
    });
  });
}
