// Host side of the sandbox: a small pool of warm worker threads, each running one script at a
// time. A run's worker is watched through shared memory and terminated when its guest keeps
// running past its limits (or past a cancellation), so nothing a script does can block the
// calling thread for long.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS, LIMIT_DESCRIPTIONS, type Limits } from './limits';
import { CLOCK_SLOTS, type Bindings, type GuestError, type HostToWorker, type LogLevel, type WorkerToHost } from './protocol';

/** What a sandboxed execution needs from its caller while it runs. */
export interface SandboxHooks {
  log(level: LogLevel, text: string): void;
  /** Performs a tool call; resolves with the result as JSON text (undefined for no value). */
  call(server: string, tool: string, argsJson: string): Promise<{ ok: true; json: string | undefined } | { ok: false; message: string }>;
}

export interface SandboxRequest {
  readonly code: string;
  readonly fileName: string;
  readonly bindings: Bindings;
  readonly limits: Limits;
  /** Aborting ends the run; `signal.reason` of `'wall'` reports the wall-clock limit. */
  readonly signal: AbortSignal;
}

export type SandboxOutcome = { ok: true; resultJson: string | undefined } | { ok: false; error: GuestError };

/** How long a worker may ignore a cancellation, or overrun its time limit, before it is terminated. */
const GRACE_MS = 1_000;
const WATCHDOG_INTERVAL_MS = 100;

interface SandboxAssets {
  /** A worker script, or (from source) bootstrap code evaluated in the worker. */
  readonly worker: { readonly file: string } | { readonly eval: string };
  readonly wasmFile: string;
}

/**
 * Finds the worker script and the QuickJS wasm. Bundled, both sit beside this code in `dist/`;
 * run from source (tests, benchmarks through tsx), the worker is the TypeScript file itself.
 */
function locateAssets(): SandboxAssets {
  const bundled = path.join(__dirname, 'sandbox-worker.js');
  if (existsSync(bundled)) return { worker: { file: bundled }, wasmFile: path.join(__dirname, 'quickjs.wasm') };
  // Loader flags such as `--import tsx` do not reach worker threads, so register tsx in the worker.
  const source = JSON.stringify(path.join(__dirname, 'worker.ts'));
  return {
    worker: { eval: `require('tsx/cjs'); require(${source});` },
    wasmFile: require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm'),
  };
}

/** The QuickJS WebAssembly file the sandbox instantiates (for baselines measured beside it). */
export function sandboxWasmFile(): string {
  return locateAssets().wasmFile;
}

class SandboxWorker {
  readonly clock = new Float64Array(new SharedArrayBuffer(CLOCK_SLOTS * Float64Array.BYTES_PER_ELEMENT));
  readonly thread: Worker;
  readonly ready: Promise<void>;
  private listener: ((message: WorkerToHost) => void) | undefined;
  private exitListener: ((reason: string) => void) | undefined;
  alive = true;

  constructor(
    script: SandboxAssets['worker'],
    wasmModule: WebAssembly.Module,
    /** Workers are made for one memory limit: it is the size their WebAssembly memory may reach. */
    readonly memoryMb: number,
  ) {
    this.thread = new Worker('file' in script ? script.file : script.eval, {
      eval: 'eval' in script,
      workerData: { wasmModule, clock: this.clock.buffer, memoryMb },
      // The guest heap lives in wasm memory, not in these; they bound the worker's own JS.
      resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 },
      stdout: false,
      stderr: false,
    });
    this.ready = new Promise((resolve, reject) => {
      const onReady = (message: WorkerToHost): void => {
        if (message.type !== 'ready') return;
        this.thread.off('message', onReady);
        resolve();
      };
      this.thread.on('message', onReady);
      this.thread.once('error', reject);
      this.thread.once('exit', (code) => reject(new Error(`sandbox worker exited during startup (code ${code})`)));
    });
    this.thread.on('message', (message: WorkerToHost) => this.listener?.(message));
    this.thread.on('error', (error) => this.died(`it threw ${error.name}: ${error.message}`));
    this.thread.on('exit', (code) => this.died(`it exited with code ${code}`));
  }

  attach(listener: (message: WorkerToHost) => void, onExit: (reason: string) => void): void {
    this.listener = listener;
    this.exitListener = onExit;
    this.thread.ref();
  }

  detach(): void {
    this.listener = undefined;
    this.exitListener = undefined;
    this.thread.unref();
  }

  send(message: HostToWorker): void {
    this.thread.postMessage(message);
  }

  terminate(): void {
    this.alive = false;
    void this.thread.terminate();
  }

  private died(reason: string): void {
    if (!this.alive) return;
    this.alive = false;
    this.exitListener?.(reason);
  }
}

export interface SandboxPoolOptions {
  /** Warm workers kept between runs (across all memory limits). */
  readonly maxIdle?: number;
  /** Runs executing at once; more wait for a worker to free up (their wall clock keeps running). */
  readonly maxRunning?: number;
}

/**
 * A worker costs about 10 MB and a few milliseconds of a core to start. Beyond this many runs at
 * once, starting more workers only makes every run slower and the host heavier (100 at once took
 * 1.4 GB and 11 s, against a fraction of both when they take turns; RELIABILITY.md).
 */
const DEFAULT_MAX_RUNNING = 16;

export class SandboxPool {
  private readonly idle: SandboxWorker[] = [];
  /** Workers running a run, with the function that ends that run. */
  private readonly busy = new Map<SandboxWorker, (outcome: SandboxOutcome) => void>();
  private readonly maxIdle: number;
  private readonly maxRunning: number;
  private running = 0;
  /** Runs waiting for a slot, first come first served; each is woken with whether it got one. */
  private readonly waiting: ((granted: boolean) => void)[] = [];
  private assets: Promise<{ worker: SandboxAssets['worker']; wasmModule: WebAssembly.Module }> | undefined;
  private nextRunId = 1;
  private disposed = false;

  constructor(options: SandboxPoolOptions = {}) {
    this.maxIdle = options.maxIdle ?? 2;
    this.maxRunning = options.maxRunning ?? DEFAULT_MAX_RUNNING;
  }

  /** Starts a worker ahead of the first run, so that run does not pay for it. */
  async warm(memoryMb: number = DEFAULT_LIMITS.memoryMb): Promise<void> {
    if (this.idle.some((worker) => worker.memoryMb === memoryMb)) return;
    this.release(await this.spawn(memoryMb));
  }

  async execute(request: SandboxRequest, hooks: SandboxHooks): Promise<SandboxOutcome> {
    if (this.disposed) throw new Error('The sandbox pool has been disposed');
    if (request.signal.aborted) return { ok: false, error: abortError(request) };
    if (!(await this.takeSlot(request.signal))) {
      return { ok: false, error: this.disposed ? SHUT_DOWN : abortError(request) };
    }
    try {
      return await this.executeOnWorker(request, hooks);
    } finally {
      const next = this.waiting.shift();
      if (next) next(true);
      else this.running--;
    }
  }

  /** Waits for one of the `maxRunning` slots; false when the run is aborted or the pool disposed first. */
  private takeSlot(signal: AbortSignal): Promise<boolean> {
    if (this.running < this.maxRunning) {
      this.running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const wake = (granted: boolean): void => {
        signal.removeEventListener('abort', onAbort);
        // The slot is handed over directly, so `running` stays counted for this run.
        resolve(granted);
      };
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  private async executeOnWorker(request: SandboxRequest, hooks: SandboxHooks): Promise<SandboxOutcome> {
    const memoryMb = request.limits.memoryMb;
    const worker = this.takeIdle(memoryMb) ?? (await this.spawn(memoryMb));
    // The pool may have been disposed while that worker started.
    if (this.disposed) {
      worker.terminate();
      return { ok: false, error: SHUT_DOWN };
    }
    const runId = this.nextRunId++;

    return new Promise<SandboxOutcome>((resolve) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;

      const settle = (outcome: SandboxOutcome, reusable: boolean): void => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        clearTimeout(killTimer);
        request.signal.removeEventListener('abort', onAbort);
        worker.detach();
        this.busy.delete(worker);
        if (reusable && worker.alive) this.release(worker);
        else worker.terminate();
        resolve(outcome);
      };

      const onAbort = (): void => {
        worker.send({ type: 'cancel', runId, reason: request.signal.reason === 'wall' ? 'wall' : 'cancelled' });
        // A guest spinning in code cannot read the message; the kill timer ends it regardless.
        killTimer = setTimeout(() => settle({ ok: false, error: abortError(request, true) }, false), GRACE_MS);
      };

      const watchdog = setInterval(() => {
        const sliceStart = worker.clock[0]!;
        if (sliceStart === 0) return;
        const used = worker.clock[1]! + (performance.timeOrigin + performance.now() - sliceStart);
        if (used > request.limits.timeoutMs + GRACE_MS) {
          settle(
            {
              ok: false,
              error: {
                name: 'TimeLimitError',
                message: `Script exceeded ${LIMIT_DESCRIPTIONS.timeoutMs(request.limits.timeoutMs)}; it did not stop by itself and its sandbox was terminated`,
                limit: 'timeoutMs',
              },
            },
            false,
          );
        }
      }, WATCHDOG_INTERVAL_MS);

      worker.attach(
        (message) => {
          if (message.type === 'ready' || message.runId !== runId) return;
          switch (message.type) {
            case 'log':
              hooks.log(message.level, message.text);
              return;
            case 'call':
              hooks.call(message.server, message.tool, message.argsJson).then(
                (answer) => {
                  if (!settled) worker.send({ type: 'call-result', runId, callId: message.callId, ...answer });
                },
                (error: unknown) => {
                  const text = error instanceof Error ? error.message : String(error);
                  if (!settled) worker.send({ type: 'call-result', runId, callId: message.callId, ok: false, message: text });
                },
              );
              return;
            case 'done':
              settle(
                message.ok ? { ok: true, resultJson: message.resultJson } : { ok: false, error: message.error },
                message.reusable !== false,
              );
              return;
          }
        },
        (reason) =>
          settle({ ok: false, error: { name: 'SandboxError', message: `The sandbox worker stopped unexpectedly: ${reason}` } }, false),
      );
      this.busy.set(worker, (outcome) => settle(outcome, false));
      request.signal.addEventListener('abort', onAbort, { once: true });
      worker.send({ type: 'run', runId, code: request.code, fileName: request.fileName, bindings: request.bindings, limits: request.limits });
      // The signal may have fired while the worker was starting.
      if (request.signal.aborted) onAbort();
    });
  }

  /** Terminates every worker. Runs still in progress end with an error. */
  dispose(): void {
    this.disposed = true;
    for (const wake of this.waiting.splice(0)) wake(false);
    for (const end of [...this.busy.values()]) end({ ok: false, error: SHUT_DOWN });
    for (const worker of this.idle) worker.terminate();
    this.idle.length = 0;
  }

  private async spawn(memoryMb: number): Promise<SandboxWorker> {
    this.assets ??= (async () => {
      const { worker, wasmFile } = locateAssets();
      return { worker, wasmModule: await WebAssembly.compile(await readFile(wasmFile)) };
    })();
    const { worker: script, wasmModule } = await this.assets;
    const worker = new SandboxWorker(script, wasmModule, memoryMb);
    await worker.ready;
    return worker;
  }

  private takeIdle(memoryMb: number): SandboxWorker | undefined {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const worker = this.idle[i]!;
      if (!worker.alive) this.idle.splice(i, 1);
      else if (worker.memoryMb === memoryMb) return this.idle.splice(i, 1)[0];
    }
    return undefined;
  }

  private release(worker: SandboxWorker): void {
    if (this.disposed) {
      worker.terminate();
      return;
    }
    worker.detach();
    this.idle.push(worker);
    // The least recently used workers go first; none while runs wait, as they are about to need them.
    while (this.idle.length > Math.max(this.maxIdle, this.waiting.length)) this.idle.shift()!.terminate();
  }
}

const SHUT_DOWN: GuestError = { name: 'SandboxError', message: 'The sandbox was shut down while the script ran' };

function abortError(request: SandboxRequest, terminated = false): GuestError {
  const suffix = terminated ? '; it did not stop by itself and its sandbox was terminated' : '';
  if (request.signal.reason === 'wall') {
    return {
      name: 'WallClockLimitError',
      message: `Script exceeded ${LIMIT_DESCRIPTIONS.wallTimeoutMs(request.limits.wallTimeoutMs)}${suffix}`,
      limit: 'wallTimeoutMs',
    };
  }
  return { name: 'CancelledError', message: `The run was cancelled${suffix}` };
}
