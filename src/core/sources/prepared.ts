// The life of a tool source that needs no connection: it prepares once (resolves its variables,
// reads a document, builds its tool list), then answers calls from what it prepared. A failed
// preparation is retried on next use, with the same backoff as an MCP server's restarts. Every
// value and message it hands out has its secrets redacted here, in one place.

import { redact, redactValue, Resolver, type VariableContext } from '../config/variables';
import type { SourceLocation } from '../config/types';
import { ToolCallError, type ToolInfo } from '../provider';
import { SharedStart, type SourceKind, type SourceState, type ToolSource } from './source';

/** What sources need from their host; the MCP layer's ConnectionOptions fit as they are. */
export interface SourceOptions {
  readonly variables: VariableContext;
  /** Lifecycle and diagnostic messages, secrets already redacted. */
  readonly onLog?: (source: string, level: 'info' | 'warn' | 'error', text: string) => void;
  readonly onStateChanged?: (source: string, state: SourceState) => void;
}

export interface Prepared<T> {
  readonly value: T;
  /** The tools, without their `server` (it is the source's name). */
  readonly tools: readonly Omit<ToolInfo, 'server'>[];
  /** Things worth a line in the log (operations skipped, say). */
  readonly warnings?: readonly string[];
}

const MAX_BACKOFF_MS = 30_000;
const backoffMs = (failures: number): number => (failures <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 2)));

/** Rejects when the signal aborts, else settles with `promise`. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ToolCallError(`cancelled (${String(signal.reason ?? 'aborted')})`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ToolCallError(`cancelled (${String(signal.reason ?? 'aborted')})`));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export abstract class PreparedSource<T> implements ToolSource {
  abstract readonly kind: SourceKind;
  private stateValue: SourceState = { kind: 'idle' };
  private toolList: readonly ToolInfo[] = [];
  private prepared: T | undefined;
  private secrets: readonly string[] = [];
  private readonly starts = new SharedStart();
  private failures = 0;
  /** Counts restarts: a preparation that began before one is dropped instead of used. */
  private generation = 0;
  private disposed = false;
  /** Aborts the preparation in progress (a spec download) when the source stops. */
  private startAbort = new AbortController();

  constructor(
    readonly name: string,
    readonly origin: SourceLocation,
    protected readonly options: SourceOptions,
  ) {}

  get state(): SourceState {
    return this.stateValue;
  }

  get tools(): readonly ToolInfo[] {
    return this.toolList;
  }

  /** Resolves variables (through `resolver`, which collects the secrets) and builds the tools. */
  protected abstract prepare(resolver: Resolver, signal: AbortSignal): Promise<Prepared<T>>;

  /** Runs one tool; the result and any error message are redacted by the caller. */
  protected abstract invoke(prepared: T, tool: string, args: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown>;

  async ensureStarted(signal: AbortSignal): Promise<void> {
    const starting = this.starts.join(this.name, this.disposed, this.stateValue, () => this.start());
    if (starting) await untilAborted(starting, signal);
  }

  async callTool(tool: string, args: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    await this.ensureStarted(signal);
    const prepared = this.prepared;
    if (prepared === undefined) throw new ToolCallError(`server "${this.name}" is not running`);
    if (!this.toolList.some((known) => known.name === tool)) throw new ToolCallError(`server "${this.name}" has no tool named "${tool}"`);
    try {
      return redactValue(await this.invoke(prepared, tool, args, signal, timeoutMs), this.secrets);
    } catch (error) {
      if (signal.aborted) throw new ToolCallError(`cancelled (${String(signal.reason ?? 'aborted')})`);
      throw new ToolCallError(redact(error instanceof Error ? error.message : String(error), this.secrets));
    }
  }

  async restart(signal: AbortSignal = new AbortController().signal): Promise<void> {
    this.stop();
    this.failures = 0;
    this.setState({ kind: 'idle' });
    await this.ensureStarted(signal);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.stop();
  }

  protected log(level: 'info' | 'warn' | 'error', text: string): void {
    this.options.onLog?.(this.name, level, redact(text, this.secrets));
  }

  private stop(): void {
    this.generation++;
    this.startAbort.abort('stopped');
    this.startAbort = new AbortController();
    this.starts.forget();
    this.prepared = undefined;
    this.setState({ kind: 'stopped' });
  }

  private setState(state: SourceState): void {
    this.stateValue = state;
    this.options.onStateChanged?.(this.name, state);
  }

  private async start(): Promise<void> {
    const generation = this.generation;
    this.setState({ kind: 'starting' });
    const resolver = new Resolver(this, this.options.variables);
    // Not the caller's signal: a start nobody waits for any more still finishes, and its result is kept.
    try {
      const prepared = await this.prepare(resolver, this.startAbort.signal);
      if (generation !== this.generation) throw new Error('stopped while starting');
      this.secrets = [...resolver.secrets];
      this.prepared = prepared.value;
      // A description or schema can quote the configuration (a spec that documents its own key).
      this.toolList = redactValue(prepared.tools, this.secrets).map((tool) => ({ server: this.name, ...tool }));
      this.failures = 0;
      this.setState({ kind: 'ready', transport: this.kind });
      for (const warning of prepared.warnings ?? []) this.log('warn', warning);
      this.log('info', `ready with ${this.toolList.length} tools`);
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error), resolver.secrets);
      if (generation !== this.generation) throw new ToolCallError(`server "${this.name}" was stopped while it started`);
      this.failures++;
      this.setState({ kind: 'failed', error: message, retryAt: Date.now() + backoffMs(this.failures) });
      this.options.onLog?.(this.name, 'error', `failed to start: ${message}`);
      throw new ToolCallError(`server "${this.name}" failed to start: ${message}`);
    }
  }
}
