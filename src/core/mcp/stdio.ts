// The SDK's stdio client transport, with a close that ends the server's whole process tree and
// does not wait longer than it must.
//
// The SDK's own close ends stdin, waits two seconds for the child to exit, sends it SIGTERM, waits
// two more and sends SIGKILL — to the child alone. So a server that ignores its stdin kept every
// stop and restart waiting four seconds, and the real server behind a wrapper (`npx`, a shell
// script, a launcher that forwards no signal) outlived the wrapper. The SDK also closes the
// transport itself when the server sends a message over its size limit, and until that close
// ended the call in flight waited for its timeout and the next call failed with "Not connected".
// Here the owner stops a server with `shutdown()`; `close()`, which the SDK calls, ends it at once.

import { execFile, type ChildProcess } from 'node:child_process';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { listProcesses, signalAll, stillRunning, treeOf, type ProcessEntry } from './processTree';

/** How long a server may take to exit after its stdin closes before its tree is sent SIGTERM. */
const EXIT_GRACE_MS = 250;
/** How long the tree may take to exit after SIGTERM before it is sent SIGKILL. */
const TERM_GRACE_MS = 2000;
const POLL_MS = 50;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** True when `promise` settles within `ms`. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}

async function treeNow(pid: number): Promise<ProcessEntry[]> {
  return treeOf(pid, await listProcesses());
}

export class ServerProcessTransport extends StdioClientTransport {
  private spawnedPid: number | null = null;

  /**
   * Called when the transport starts to close, whoever closes it — the SDK does on an oversized
   * message — so the owner can stop using it at once rather than when the process has exited.
   */
  onclosing?: () => void;

  override async start(): Promise<void> {
    await super.start();
    this.spawnedPid = this.pid;
    this.frameStdout();
  }

  /**
   * The SDK appends each 64 KiB read to its buffer by copying the whole buffer, so a 10 MiB message
   * costs some 800 MB of copies (and of garbage: a 100 MB reply grew this process by up to 100 MB).
   * Lines are gathered here and handed to the SDK whole, copied once; a line that grows past the
   * SDK's limit is refused as soon as it does, with the SDK's own words for it.
   */
  private frameStdout(): void {
    const stdout = (this as unknown as { _process?: ChildProcess })._process?.stdout;
    if (!stdout) return;
    const deliver = stdout.listeners('data') as ((chunk: Buffer) => void)[];
    stdout.removeAllListeners('data');
    const pending: Buffer[] = [];
    let pendingBytes = 0;
    stdout.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
        pending.push(chunk.subarray(start, newline + 1));
        const line = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        pending.length = 0;
        pendingBytes = 0;
        for (const listener of deliver) listener(line);
        start = newline + 1;
      }
      if (start === chunk.length) return;
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > STDIO_DEFAULT_MAX_BUFFER_SIZE) {
        pending.length = 0;
        pendingBytes = 0;
        stdout.removeAllListeners('data');
        this.onerror?.(new Error(`ReadBuffer exceeded maximum size of ${STDIO_DEFAULT_MAX_BUFFER_SIZE} bytes`));
        void this.close();
      }
    });
  }

  /** Stops the server: its stdin closes, and unless it exits within EXIT_GRACE_MS its whole tree is ended. */
  shutdown(): Promise<void> {
    return this.end(EXIT_GRACE_MS);
  }

  /**
   * What the SDK calls itself when the stream breaks (a message over its size limit). The server
   * may still be writing what can no longer be read — the rest of a 100 MB reply, which this
   * process would go on buffering — so its tree is ended at once, without the grace.
   */
  override close(): Promise<void> {
    return this.end(0);
  }

  private async end(graceMs: number): Promise<void> {
    const pid = this.spawnedPid;
    this.spawnedPid = null;
    if (pid === null) return super.close();
    this.onclosing?.();
    // Found before stdin closes: once a wrapper exits, its children belong to init and can no
    // longer be traced to it.
    let tree = await treeNow(pid);
    const closed = super.close().catch(() => undefined);
    if (graceMs > 0 && (await settlesWithin(closed, graceMs))) {
      // The server exited; something it started may still run.
      tree = await stillRunning(tree);
      if (tree.length === 0) return;
    }
    if (process.platform === 'win32') {
      // No SIGTERM there (Node's is TerminateProcess) and no process listing: taskkill ends the tree.
      await new Promise<void>((resolve) => execFile('taskkill', ['/T', '/F', '/PID', String(pid)], () => resolve()));
      await closed;
      return;
    }
    // Children started since the first look count too.
    const later = await treeNow(pid);
    tree = [...(await stillRunning(tree)), ...later.filter((entry) => !tree.some((known) => known.pid === entry.pid))];
    signalAll(tree, 'SIGTERM');
    for (let waited = 0; waited < TERM_GRACE_MS && tree.length > 0; waited += POLL_MS) {
      await delay(POLL_MS);
      tree = await stillRunning(tree);
    }
    signalAll(tree, 'SIGKILL');
    await closed;
  }
}
