// The sandbox worker: a thread that owns one QuickJS WebAssembly instance and runs one script at
// a time, each in a fresh runtime and context that are disposed when the run ends. Tool calls
// leave as messages and come back as resolved or rejected guest promises, so calls made together
// really run together on the host.

import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { LIMIT_DESCRIPTIONS, type Limits } from './limits';
import { PRELUDE_FILE, PRELUDE_SOURCE, type PreludeOptions } from './prelude';
import type { Bindings, GuestError, HostToWorker, LogLevel, WorkerToHost } from './protocol';

interface WorkerData {
  readonly wasmModule: WebAssembly.Module;
  readonly clock: SharedArrayBuffer;
  /** The guest heap this worker's runs may use, on top of the engine's fixed base. */
  readonly memoryMb: number;
}

const port = parentPort;
if (!port) throw new Error('sandbox-worker must run in a worker thread');
const { wasmModule, clock: clockBuffer, memoryMb } = workerData as WorkerData;

// QuickJS's own memory limit cannot count bytes in this build (emscripten reports no usable
// allocation sizes), so the hard cap is the WebAssembly memory itself: the module imports it, and
// a memory that cannot grow past its maximum makes malloc fail, which QuickJS reports as
// "out of memory". The base holds the engine's static data, stack and initial heap.
const WASM_PAGE = 64 * 1024;
const BASE_BYTES = 16 * 1024 * 1024;
const wasmMemory = new WebAssembly.Memory({
  initial: BASE_BYTES / WASM_PAGE,
  maximum: (BASE_BYTES + memoryMb * 1024 * 1024) / WASM_PAGE,
});
const clock = new Float64Array(clockBuffer);

// Counts refused growths of the memory: the allocator asks for more and the cap says no. A run
// during which that happened ran out of memory, whatever QuickJS managed to report.
let refusedGrowths = 0;
const grow = wasmMemory.grow.bind(wasmMemory);
wasmMemory.grow = (delta: number): number => {
  try {
    return grow(delta);
  } catch (error) {
    refusedGrowths++;
    throw error;
  }
};

const LOG_LINE_OVERHEAD = 16;
const MAX_CALLS_IN_FLIGHT = 1000;
const DESCRIBE_BUDGET_MS = 100;

const epochNow = (): number => performance.timeOrigin + performance.now();
const post = (message: WorkerToHost): void => port.postMessage(message);

function limitError(limit: keyof Limits, limits: Limits, name: string, lead: string): GuestError {
  return { name, message: `${lead} ${LIMIT_DESCRIPTIONS[limit](limits[limit])}`, limit };
}

/** One script run inside this worker. Owns every QuickJS handle it creates. */
class GuestRun {
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly handles: QuickJSHandle[] = [];
  private readonly inFlight = new Map<number, QuickJSDeferredPromise>();
  private nextCallId = 1;
  private usedMs = 0;
  private sliceStart = 0;
  private logBytes = 0;
  private logsTruncated = false;
  private limitHit: GuestError | undefined;
  private finished = false;
  private readonly refusedGrowthsBefore = refusedGrowths;
  private main: QuickJSHandle | undefined;
  private api: { serializeResult: QuickJSHandle; describeError: QuickJSHandle } | undefined;

  constructor(
    quickjs: QuickJSWASMModule,
    readonly runId: number,
    readonly limits: Limits,
  ) {
    this.runtime = quickjs.newRuntime();
    this.runtime.setMemoryLimit(limits.memoryMb * 1024 * 1024);
    this.runtime.setMaxStackSize(limits.stackKb * 1024);
    this.runtime.setInterruptHandler(() => {
      if (this.usedMs + (performance.now() - this.sliceStart) <= this.limits.timeoutMs) return false;
      this.limitHit ??= limitError('timeoutMs', this.limits, 'TimeLimitError', 'Script exceeded');
      return true;
    });
    // Without a loader QuickJS says only "could not load module"; say why there are no modules.
    this.runtime.setModuleLoader((name) => ({
      error: new Error(`import of '${name}' is not available: scripts run in a sandbox without modules, files or network; use the tool namespaces instead`),
    }));
    this.context = this.runtime.newContext();
  }

  /** The share of the memory limit one tool call's arguments (or result) may take: the JSON text and its copy on the way out must both fit. */
  private get maxMessageBytes(): number {
    return (this.limits.memoryMb * 1024 * 1024) / 4;
  }

  start(code: string, fileName: string, bindings: Bindings): void {
    const ctx = this.context;
    const host = this.own(ctx.newObject());
    const callFn = this.own(
      ctx.newFunction('call', (server, tool, args) => this.hostCall(ctx.getString(server), ctx.getString(tool), ctx.getString(args))),
    );
    const logFn = this.own(
      ctx.newFunction('log', (level, json) => (this.hostLog(ctx.getString(level) as LogLevel, ctx.getString(json)) ? ctx.true : ctx.false)),
    );
    ctx.setProp(host, 'call', callFn);
    ctx.setProp(host, 'log', logFn);

    this.enterGuest();
    try {
      const prelude = this.own(ctx.unwrapResult(ctx.evalCode(PRELUDE_SOURCE, PRELUDE_FILE)));
      const options: PreludeOptions = {
        bindings,
        maxOutputBytes: this.limits.maxOutputBytes,
        maxArgumentBytes: this.maxMessageBytes,
        argumentLimitText: LIMIT_DESCRIPTIONS.memoryMb(this.limits.memoryMb),
      };
      const optionsJson = this.own(ctx.newString(JSON.stringify(options)));
      const api = this.own(ctx.unwrapResult(ctx.callFunction(prelude, ctx.undefined, host, optionsJson)));
      this.api = {
        serializeResult: this.own(ctx.getProp(api, 'serializeResult')),
        describeError: this.own(ctx.getProp(api, 'describeError')),
      };
      const evaluated = ctx.evalCode(code, fileName);
      if (evaluated.error) {
        this.failWith(evaluated.error);
        return;
      }
      this.main = this.own(evaluated.value);
    } finally {
      this.leaveGuest();
    }
    this.pump();
  }

  /** Answers a tool call the host finished; runs whatever guest code was waiting on it. */
  settleCall(message: Extract<HostToWorker, { type: 'call-result' }>): void {
    const deferred = this.inFlight.get(message.callId);
    if (!deferred || this.finished) return;
    this.inFlight.delete(message.callId);
    const ctx = this.context;
    // A string the guest heap cannot hold would fail inside QuickJS's allocator without a clean
    // error; refuse it here, where the reason can still be said.
    if (message.ok && message.json !== undefined && message.json.length > this.maxMessageBytes) {
      const megabytes = (Buffer.byteLength(message.json) / 1024 / 1024).toFixed(1);
      const reason = ctx.newString(`the result (${megabytes} MB) is too large for ${LIMIT_DESCRIPTIONS.memoryMb(this.limits.memoryMb)}`);
      deferred.reject(reason);
      reason.dispose();
      deferred.dispose();
      this.pump();
      return;
    }
    if (message.ok) {
      const value = message.json === undefined ? ctx.undefined : ctx.newString(message.json);
      deferred.resolve(value);
      value.dispose();
    } else {
      const reason = ctx.newString(message.message);
      deferred.reject(reason);
      reason.dispose();
    }
    deferred.dispose();
    this.pump();
  }

  /** True while the guest is blocked on tool calls that the host has not answered yet. */
  awaitingHost(): boolean {
    return !this.finished && this.inFlight.size > 0;
  }

  cancel(reason: 'wall' | 'cancelled'): void {
    if (this.finished) return;
    const error: GuestError =
      reason === 'wall'
        ? limitError('wallTimeoutMs', this.limits, 'WallClockLimitError', 'Script exceeded')
        : { name: 'CancelledError', message: 'The run was cancelled' };
    this.finish({ type: 'done', runId: this.runId, ok: false, error });
  }

  private own<T extends QuickJSHandle>(handle: T): T {
    this.handles.push(handle);
    return handle;
  }

  private enterGuest(): void {
    this.sliceStart = performance.now();
    clock[1] = this.usedMs;
    clock[0] = epochNow();
  }

  private leaveGuest(): void {
    this.usedMs += performance.now() - this.sliceStart;
    clock[0] = 0;
  }

  private hostCall(server: string, tool: string, argsJson: string): QuickJSHandle {
    if (this.inFlight.size >= MAX_CALLS_IN_FLIGHT) {
      throw new RangeError(`more than ${MAX_CALLS_IN_FLIGHT} tool calls are in flight at once; await some before starting more`);
    }
    // Copying a string out of the guest needs room in its heap; when there is none, QuickJS
    // hands back nothing rather than failing (the prelude never sends empty arguments).
    if (argsJson === '') throw new RangeError(`out of memory: the arguments could not be copied out within ${LIMIT_DESCRIPTIONS.memoryMb(this.limits.memoryMb)}`);
    const deferred = this.context.newPromise();
    const callId = this.nextCallId++;
    this.inFlight.set(callId, deferred);
    post({ type: 'call', runId: this.runId, callId, server, tool, argsJson });
    return deferred.handle;
  }

  /** Records one line, given as JSON text; answers whether later lines are still wanted. */
  private hostLog(level: LogLevel, json: string): boolean {
    if (this.logsTruncated) return false;
    // An empty copy means the guest heap had no room to copy the line out (see hostCall).
    if (json === '') return true;
    const text = JSON.parse(json) as string;
    const room = this.limits.maxOutputBytes - this.logBytes;
    // Each line costs its bytes plus a little, so a flood of empty lines is bounded too.
    const size = Buffer.byteLength(text) + LOG_LINE_OVERHEAD;
    if (size <= room) {
      this.logBytes += size;
      post({ type: 'log', runId: this.runId, level, text });
      return true;
    }
    this.logsTruncated = true;
    const kept = Buffer.from(text).subarray(0, Math.max(0, room - LOG_LINE_OVERHEAD)).toString();
    if (kept.length > 0) post({ type: 'log', runId: this.runId, level, text: kept });
    post({
      type: 'log',
      runId: this.runId,
      level: 'warn',
      text: `[codemode] Output truncated: logs reached ${LIMIT_DESCRIPTIONS.maxOutputBytes(this.limits.maxOutputBytes)}; later output was dropped.`,
    });
    return false;
  }

  /** Runs queued guest jobs (promise reactions) until none are left, then checks for the end. */
  private pump(): void {
    if (this.finished) return;
    this.enterGuest();
    try {
      while (this.runtime.hasPendingJob()) {
        const ran = this.runtime.executePendingJobs(256);
        if (ran.error) {
          this.failWith(ran.error);
          return;
        }
        if (this.limitHit) break;
      }
    } finally {
      this.leaveGuest();
    }
    if (this.limitHit) {
      this.finish({ type: 'done', runId: this.runId, ok: false, error: this.limitHit });
      return;
    }
    this.checkSettled();
  }

  private checkSettled(): void {
    if (this.finished || !this.main) return;
    const state = this.context.getPromiseState(this.main);
    if (state.type === 'pending') {
      if (this.inFlight.size === 0 && !this.runtime.hasPendingJob()) {
        this.finish({
          type: 'done',
          runId: this.runId,
          ok: false,
          error: this.memoryExhausted()
            ? limitError('memoryMb', this.limits, 'MemoryLimitError', 'Script exceeded')
            : {
                name: 'StalledError',
                message: 'The script is awaiting a promise that can never settle: no tool call is in flight and nothing else can resolve it',
              },
        });
      }
      return;
    }
    if (state.type === 'rejected') {
      this.failWith(state.error);
      return;
    }
    const value = state.value;
    this.enterGuest();
    let serialized;
    try {
      serialized = this.context.callFunction(this.api!.serializeResult, this.context.undefined, value);
    } finally {
      this.leaveGuest();
      value.dispose();
    }
    if (serialized.error) {
      this.failWith(serialized.error);
      return;
    }
    const type = this.context.typeof(serialized.value);
    // A number is the prelude's lower bound of a result too large to build (see serializeResult).
    const json = type === 'string' ? this.context.getString(serialized.value) : undefined;
    const tooLarge = type === 'number' ? this.context.getNumber(serialized.value) : undefined;
    serialized.value.dispose();
    if (json === '') {
      // JSON is never empty: the copy out of the guest failed for want of memory.
      this.finish({ type: 'done', runId: this.runId, ok: false, error: limitError('memoryMb', this.limits, 'MemoryLimitError', 'The result could not be copied out within') });
      return;
    }
    const bytes = tooLarge ?? (json === undefined ? 0 : Buffer.byteLength(json));
    if (bytes > this.limits.maxOutputBytes) {
      this.finish({
        type: 'done',
        runId: this.runId,
        ok: false,
        error: {
          name: 'OutputLimitError',
          message: `The result is ${tooLarge === undefined ? '' : 'at least '}${bytes} bytes, over ${LIMIT_DESCRIPTIONS.maxOutputBytes(this.limits.maxOutputBytes)}; return less, filtering or summarising the data in the script`,
          limit: 'maxOutputBytes',
        },
      });
      return;
    }
    this.finish({ type: 'done', runId: this.runId, ok: true, resultJson: json });
  }

  /** Ends the run with the guest error in `handle`, classifying the errors that mean a limit. */
  private failWith(handle: QuickJSHandle): void {
    const error = this.limitHit ?? this.classify(this.describe(handle));
    handle.dispose();
    this.finish({ type: 'done', runId: this.runId, ok: false, error });
  }

  private describe(handle: QuickJSHandle): GuestError {
    if (this.api && !this.limitHit) {
      // Describing an error runs guest code (a `name` getter, say), so it gets a small budget of
      // its own, whatever time the script had left.
      this.usedMs = Math.max(0, this.limits.timeoutMs - DESCRIBE_BUDGET_MS);
      this.enterGuest();
      try {
        const described = this.context.callFunction(this.api.describeError, this.context.undefined, handle);
        if (this.limitHit) {
          this.limitHit = undefined;
          described.dispose();
          return { name: 'Error', message: 'The script threw an error whose properties could not be read (reading them ran past the time limit)' };
        }
        if (described.error) {
          described.error.dispose();
        } else {
          const text = this.context.getString(described.value);
          described.value.dispose();
          // Guest-made, so checked: the host's error types promise strings.
          const parsed = JSON.parse(text) as { name?: unknown; message?: unknown; stack?: unknown };
          if (typeof parsed.name === 'string' && typeof parsed.message === 'string') {
            return { name: parsed.name, message: parsed.message, stack: typeof parsed.stack === 'string' ? parsed.stack : undefined };
          }
        }
      } catch {
        // Fall through to the plain dump below.
      } finally {
        this.leaveGuest();
      }
    }
    const dumped: unknown = this.context.dump(handle);
    const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max)} … [${text.length - max} more characters cut]`);
    if (dumped && typeof dumped === 'object' && 'message' in dumped) {
      const { name, message, stack } = dumped as { name?: unknown; message?: unknown; stack?: unknown };
      return {
        name: clip(String(name ?? 'Error'), 200),
        message: clip(String(message), this.limits.maxOutputBytes),
        stack: typeof stack === 'string' ? clip(stack, this.limits.maxOutputBytes) : undefined,
      };
    }
    return { name: 'Error', message: clip(`Script threw a non-Error value: ${String(dumped)}`, this.limits.maxOutputBytes) };
  }

  /** True when the guest asked for memory past its cap during this run. */
  memoryExhausted(): boolean {
    return refusedGrowths > this.refusedGrowthsBefore;
  }

  private classify(error: GuestError): GuestError {
    // When the heap is full, QuickJS may fail in ways that do not say so (a null thrown, a job
    // that never runs); a WebAssembly memory at its maximum says it for it.
    if (this.memoryExhausted()) return { ...limitError('memoryMb', this.limits, 'MemoryLimitError', 'Script exceeded'), stack: error.stack };
    // QuickJS's parser and JSON.parse report running out of stack as a SyntaxError.
    if (error.name === 'SyntaxError' && error.message === 'stack overflow') {
      return { ...limitError('stackKb', this.limits, 'StackLimitError', 'Script exceeded'), stack: error.stack };
    }
    if (error.name !== 'InternalError' && error.name !== 'RangeError') return error;
    if (/out of memory/i.test(error.message)) {
      return { ...limitError('memoryMb', this.limits, 'MemoryLimitError', 'Script exceeded'), stack: error.stack };
    }
    if (/stack overflow|call stack size exceeded/i.test(error.message)) {
      return { ...limitError('stackKb', this.limits, 'StackLimitError', 'Script exceeded'), stack: error.stack };
    }
    return error;
  }

  /** Disposes the run, then reports it; a worker whose QuickJS could not be cleaned up is retired. */
  private finish(message: Extract<WorkerToHost, { type: 'done' }>): void {
    if (this.finished) return;
    this.finished = true;
    let reusable = true;
    try {
      this.dispose();
    } catch {
      reusable = false;
    }
    post({ ...message, reusable });
  }

  private dispose(): void {
    for (const deferred of this.inFlight.values()) deferred.dispose();
    this.inFlight.clear();
    for (const handle of this.handles.reverse()) if (handle.alive) handle.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }
}

/**
 * What to report when QuickJS itself failed (an exception escaped it) during `run`, after which
 * the worker is retired. Deep native recursion (the parser, JSON.stringify) can exhaust the worker
 * thread's own stack before QuickJS's stack check fires: that is the stack limit too.
 */
function crashError(error: unknown, run: GuestRun | undefined): GuestError {
  if (run && error instanceof RangeError && /call stack/i.test(error.message)) return limitError('stackKb', run.limits, 'StackLimitError', 'Script exceeded');
  if (run?.memoryExhausted()) return limitError('memoryMb', run.limits, 'MemoryLimitError', 'Script exceeded');
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { name: 'SandboxError', message: `The sandbox failed: ${text}` };
}

// Waking a sleeping thread costs tens of microseconds on small virtual machines, which would
// dominate the cost of a quick tool call. So after sending calls, the worker polls for the answer
// for a short while before going back to sleep in its event loop.
const SPIN_MS = 0.25;

async function main(): Promise<void> {
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(releaseSync, { wasmModule, wasmMemory }));
  let current: GuestRun | undefined;

  const dispatch = (message: HostToWorker): void => {
    try {
      if (message.type === 'run') {
        current = new GuestRun(quickjs, message.runId, message.limits);
        current.start(message.code, message.fileName, message.bindings);
      } else if (current?.runId === message.runId) {
        if (message.type === 'call-result') current.settleCall(message);
        else current.cancel(message.reason);
      }
    } catch (error) {
      // Anything that escapes the run's own handling means QuickJS may be in a bad state: report it
      // and end this worker so the pool starts a clean one.
      post({ type: 'done', runId: current?.runId ?? -1, ok: false, reusable: false, error: crashError(error, current) });
      process.exit(1);
    }
  };

  port!.on('message', (message: HostToWorker) => {
    dispatch(message);
    let until = performance.now() + SPIN_MS;
    while (current?.awaitingHost() && performance.now() < until) {
      const received = receiveMessageOnPort(port!);
      if (!received) continue;
      dispatch(received.message as HostToWorker);
      until = performance.now() + SPIN_MS;
    }
  });
  post({ type: 'ready' });
}

void main();
