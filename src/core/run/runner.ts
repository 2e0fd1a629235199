// One script run from start to finish: prepare the source, bind the provider's tools as
// namespaces, execute in the sandbox under the run's limits, relay tool calls with their own
// timeouts, and turn whatever happened into a RunResult and a stream of trace events.

import { randomUUID } from 'node:crypto';
import { assignIdentifiers } from '../naming';
import { noTools, type ToolCatalog, type ToolProvider } from '../provider';
import { resolveLimits, type Limits } from '../sandbox/limits';
import { SandboxPool } from '../sandbox/pool';
import type { Bindings, GuestError } from '../sandbox/protocol';
import { PRELUDE_FILE } from '../sandbox/prelude';
import { CallLedger } from './calls';
import type { LogEntry, RunError, RunResult, RunSource, TraceEvent } from './trace';
import { SCRIPT_FILE, ScriptSyntaxError, languageOf, prepareScript, type PreparedScript, type ScriptLanguage } from './transform';

export interface RunOptions {
  readonly code: string;
  /** The script's file name, shown in traces; its extension picks the language when none is given. */
  readonly fileName?: string;
  readonly language?: ScriptLanguage;
  readonly provider?: ToolProvider;
  readonly limits?: Partial<Limits>;
  readonly signal?: AbortSignal;
  readonly source?: RunSource;
  readonly onEvent?: (event: TraceEvent) => void;
}

/** Builds the namespaces a script sees from the provider's catalogue (see naming.ts for the rules). */
export function bindTools(catalog: ToolCatalog): Bindings {
  const servers = [...new Set([...catalog.tools.map((tool) => tool.server), ...catalog.unavailable.map((entry) => entry.server)])];
  // A provider that knows more servers than this catalogue holds names them over all of them, so a
  // namespace never changes with the set of servers a run happens to start.
  const namespaces = catalog.namespaces ?? assignIdentifiers(servers, 'namespace');
  const tools: Record<string, Record<string, readonly [string, string]>> = {};
  const unavailable: Record<string, readonly [string, string]> = {};
  for (const server of servers) {
    const namespace = namespaces.get(server)!;
    const down = catalog.unavailable.find((entry) => entry.server === server);
    if (down) {
      unavailable[namespace] = [server, down.reason];
      continue;
    }
    const names = catalog.tools.filter((tool) => tool.server === server).map((tool) => tool.name);
    const functions: Record<string, readonly [string, string]> = {};
    for (const [tool, fn] of assignIdentifiers(names, 'function')) functions[fn] = [server, tool];
    tools[namespace] = functions;
  }
  return { tools, unavailable };
}

const FRAME = /<script>:(\d+):(\d+)/;
const MAX_FRAMES = 12;

/** Folds runs of identical frames (deep recursion) into one line, and caps the frame count. */
function foldFrames(frames: readonly string[]): string[] {
  const folded: string[] = [];
  for (let i = 0; i < frames.length; ) {
    let j = i + 1;
    while (j < frames.length && frames[j] === frames[i]) j++;
    folded.push(j - i > 1 ? `${frames[i]} (${j - i} times)` : frames[i]!);
    i = j;
  }
  if (folded.length <= MAX_FRAMES) return folded;
  return [...folded.slice(0, MAX_FRAMES), `    ... ${folded.length - MAX_FRAMES} more frames`];
}

/** Rewrites guest stack frames to the script's own positions and drops the sandbox's frames. */
function mapStack(stack: string | undefined, script: PreparedScript, fileName: string): string | undefined {
  if (!stack) return undefined;
  const frames: string[] = [];
  for (const frame of stack.split('\n')) {
    // The sandbox's own frames, and the wrapper's call of the script, mean nothing to its author.
    if (frame.trim().length === 0 || frame.includes(PRELUDE_FILE) || frame.includes('<eval>')) continue;
    const match = FRAME.exec(frame);
    if (!match) {
      frames.push(frame);
      continue;
    }
    const original = script.originalPosition(Number(match[1]), Number(match[2]));
    if (original) frames.push(frame.replace(FRAME, `${fileName}:${original.line}:${original.column}`));
  }
  return frames.length > 0 ? foldFrames(frames).join('\n') : undefined;
}

/**
 * The script position an error belongs to: its first frame in the script, skipping the frames of
 * an error class's own constructor (QuickJS lists them; the line that said `new` is what matters).
 */
function errorPosition(error: GuestError, script: PreparedScript): { line?: number; column?: number } {
  for (const frame of (error.stack ?? '').split('\n')) {
    const match = FRAME.exec(frame);
    if (!match) continue;
    if (frame.trim().startsWith(`at ${error.name} (`)) continue;
    const original = script.originalPosition(Number(match[1]), Number(match[2]));
    if (original) return { line: original.line, column: original.column };
  }
  return {};
}

export class ScriptRunner {
  private readonly pool: SandboxPool;
  private readonly ownsPool: boolean;

  constructor(pool?: SandboxPool) {
    this.pool = pool ?? new SandboxPool();
    this.ownsPool = pool === undefined;
  }

  /** Starts a sandbox worker now so the first run does not wait for one. */
  warm(): Promise<void> {
    return this.pool.warm();
  }

  dispose(): void {
    if (this.ownsPool) this.pool.dispose();
  }

  async run(options: RunOptions): Promise<RunResult> {
    const runId = randomUUID();
    const started = performance.now();
    const limits = resolveLimits(options.limits);
    const provider = options.provider ?? noTools;
    const fileName = options.fileName ?? 'script.ts';
    const emit = (event: TraceEvent): void => {
      try {
        options.onEvent?.(event);
      } catch {
        // A listener's failure must not change the run's outcome.
      }
    };
    const logs: LogEntry[] = [];
    const calls = new CallLedger(runId, provider, limits, emit);

    // One controller ends everything the run started: the wall clock, the caller's cancellation.
    const runAbort = new AbortController();
    runAbort.signal.addEventListener('abort', () => calls.cancelAll(runAbort.signal.reason === 'wall' ? 'wall' : 'cancelled'), { once: true });
    const wallTimer = setTimeout(() => runAbort.abort('wall'), limits.wallTimeoutMs);
    const onCallerAbort = (): void => runAbort.abort('cancelled');
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    if (options.signal?.aborted) runAbort.abort('cancelled');

    emit({ type: 'run-started', runId, at: Date.now(), source: options.source ?? 'cli', code: options.code, fileName: options.fileName, limits });

    const finish = (error: RunError | null, result: unknown): RunResult => {
      clearTimeout(wallTimer);
      options.signal?.removeEventListener('abort', onCallerAbort);
      calls.cancelAll('run-ended');
      const runResult: RunResult = {
        ok: error === null,
        result: error === null ? result : undefined,
        logs,
        calls: calls.records(),
        error,
        durationMs: performance.now() - started,
      };
      emit({ type: 'run-finished', runId, at: Date.now(), result: runResult });
      return runResult;
    };

    let script: PreparedScript;
    let bindings: Bindings;
    try {
      script = await prepareScript(options.code, options.language ?? languageOf(options.fileName));
      bindings = bindTools(await provider.listTools(runAbort.signal, { script: options.code }));
    } catch (error) {
      if (error instanceof ScriptSyntaxError) {
        return finish({ name: 'SyntaxError', message: error.message, line: error.line, column: error.column }, undefined);
      }
      const message = error instanceof Error ? error.message : String(error);
      return finish({ name: 'SetupError', message: `Could not prepare the run: ${message}` }, undefined);
    }

    let outcome: Awaited<ReturnType<SandboxPool['execute']>>;
    try {
      outcome = await this.pool.execute(
      { code: script.code, fileName: SCRIPT_FILE, bindings, limits, signal: runAbort.signal },
      {
        log: (level, text) => {
          logs.push({ level, text });
          emit({ type: 'log', runId, at: Date.now(), level, text });
        },
        call: (server, tool, argsJson) => calls.call(server, tool, argsJson),
      },
    );
    } catch (error) {
      return finish({ name: 'SandboxError', message: `The sandbox could not run the script: ${error instanceof Error ? error.message : String(error)}` }, undefined);
    }

    if (outcome.ok) {
      return finish(null, outcome.resultJson === undefined ? undefined : JSON.parse(outcome.resultJson));
    }
    return finish(this.toRunError(outcome.error, script, fileName, calls), undefined);
  }

  private toRunError(error: GuestError, script: PreparedScript, fileName: string, calls: CallLedger): RunError {
    const position = errorPosition(error, script);
    return {
      name: error.name,
      message: `${error.message}\n${calls.describeAtFailure()}`,
      ...position,
      stack: mapStack(error.stack, script, fileName),
      ...(error.limit ? { limit: error.limit } : {}),
    };
  }
}
