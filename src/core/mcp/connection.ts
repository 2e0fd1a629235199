// One MCP server: resolves its variables, starts it (stdio child, Streamable HTTP, or SSE, with
// VS Code's fallback from the first to the second), keeps its tool catalogue current, relays
// calls with timeouts and cancellation, and restarts it on next use after a crash, with backoff.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, ListRootsRequestSchema, McpError, ToolListChangedNotificationSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ServerDefinition } from '../config/types';
import { redact, redactValue, resolveServer, type ResolvedServer, type VariableContext } from '../config/variables';
import { ToolCallError, type ToolInfo } from '../provider';
import { describeError, schemaIssues } from './errors';
import type { SourceLocation } from '../config/types';
import { SharedStart, type SourceState, type ToolSource } from '../sources/source';
import { toolResultValue } from './results';
import { ServerProcessTransport } from './stdio';

export interface Root {
  readonly uri: string;
  readonly name?: string;
}

export interface ConnectionOptions {
  readonly variables: VariableContext;
  /** The folders answered to `roots/list`. */
  readonly roots: () => readonly Root[];
  readonly startupTimeoutMs: number;
  readonly clientVersion: string;
  /** Server output for its log: stderr lines, lifecycle messages. Secrets are already redacted. */
  readonly onLog?: (server: string, level: 'info' | 'warn' | 'error', text: string) => void;
  readonly onToolsChanged?: (server: string) => void;
  readonly onStateChanged?: (server: string, state: SourceState) => void;
}

const STDERR_KEEP_BYTES = 64 * 1024;
const STDERR_LOG_LINES_PER_SECOND = 200;
const MAX_TOOL_PAGES = 100;
const MAX_BACKOFF_MS = 30_000;
/** The pause between tool list refreshes when list_changed notifications keep coming. */
const REFRESH_PAUSE_MS = 250;
/** The longest wait for a ping that tells a wedged server from one with a slow tool. */
const PING_TIMEOUT_MS = 5000;

/** Backoff after the nth consecutive failure: none after the first, then 1 s, 2 s, 4 s … 30 s. */
const backoffMs = (failures: number): number => (failures <= 1 ? 0 : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 2)));

function abortError(signal: AbortSignal): Error {
  return new ToolCallError(`cancelled (${String(signal.reason ?? 'aborted')})`);
}

/** Resolves with `promise`, or rejects when the timeout passes or the signal aborts. */
function within<T>(promise: Promise<T>, ms: number, signal: AbortSignal, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    const timer = setTimeout(() => finish(() => reject(onTimeout())), ms);
    const onAbort = (): void => finish(() => reject(abortError(signal)));
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settle();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/**
 * Closes a transport. A stdio server gets a moment to exit once its stdin closes; then its whole
 * process tree gets SIGTERM and, if that is ignored, SIGKILL (stdio.ts).
 */
async function closeTransport(transport: Transport): Promise<void> {
  await (transport instanceof ServerProcessTransport ? transport.shutdown() : transport.close()).catch(() => undefined);
}

export class ServerConnection implements ToolSource {
  private stateValue: SourceState = { kind: 'idle' };
  private client: Client | undefined;
  private transport: Transport | undefined;
  private readonly starts = new SharedStart();
  private toolList: readonly ToolInfo[] = [];
  private failures = 0;
  private secrets: readonly string[] = [];
  private stderr = '';
  private stderrLine = '';
  private stderrWindow = { start: 0, logged: 0, skipped: 0 };
  private stopping = false;
  private disposed = false;
  /** The transport's first complaint since connecting (an oversized or malformed message), for the crash message. */
  private lastTransportError: string | undefined;
  /** The transport's latest complaint, and how many it made: a call that timed out says what went wrong meanwhile. */
  private recentTransportError: string | undefined;
  private transportErrors = 0;
  /** Counts stops: a start that began before the latest stop gives up instead of finishing. */
  private generation = 0;
  /** The client whose tool list is being refreshed, and whether another list_changed came meanwhile. */
  private refreshing: Client | undefined;
  private refreshAgain = false;
  /** The client a liveness ping is in flight for, after a call timed out. */
  private probing: Client | undefined;

  constructor(
    readonly definition: ServerDefinition,
    private readonly options: ConnectionOptions,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  get kind(): ServerDefinition['type'] {
    return this.definition.type;
  }

  get origin(): SourceLocation {
    return this.definition.source;
  }

  get state(): SourceState {
    return this.stateValue;
  }

  get tools(): readonly ToolInfo[] {
    return this.toolList;
  }

  /** The last lines the server wrote to stderr (stdio servers), secrets redacted. */
  stderrTail(): string {
    // Kept raw and redacted when read: a secret may arrive split across chunks.
    return redact(this.stderr, this.secrets);
  }

  /** Starts the server unless it runs already; waits for a start in progress. */
  async ensureStarted(signal: AbortSignal): Promise<void> {
    const starting = this.starts.join(this.name, this.disposed, this.stateValue, () => this.start());
    if (starting) await within(starting, this.options.startupTimeoutMs + 1000, signal, () => new ToolCallError(`server "${this.name}" did not start`));
  }

  async callTool(tool: string, args: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    await this.ensureStarted(signal);
    const client = this.client;
    if (!client) throw new ToolCallError(`server "${this.name}" is not running`);
    let result;
    const transportErrors = this.transportErrors;
    try {
      // The SDK starts this timeout when the request is sent, and sends notifications/cancelled
      // to the server when the signal aborts.
      result = await client.callTool({ name: tool, arguments: args as Record<string, unknown> }, undefined, { signal, timeout: timeoutMs });
    } catch (error) {
      const timedOut = !signal.aborted && error instanceof McpError && error.code === ErrorCode.RequestTimeout;
      if (timedOut) void this.probe(client, timeoutMs);
      const failure = this.callError(error, timeoutMs, signal);
      // A reply the transport could not read (invalid JSON, say) explains a call that timed out.
      if (timedOut && this.transportErrors > transportErrors && this.recentTransportError) {
        throw new ToolCallError(`${failure.message}; meanwhile the transport reported: ${redact(this.recentTransportError.slice(0, 200), this.secrets)}`);
      }
      throw failure;
    }
    let value: unknown;
    try {
      value = toolResultValue(result as Parameters<typeof toolResultValue>[0]);
    } catch (error) {
      throw error instanceof ToolCallError ? new ToolCallError(redact(error.message, this.secrets)) : error;
    }
    return redactValue(value, this.secrets);
  }

  /** Stops the server (and its child process) and starts it again. */
  async restart(signal: AbortSignal = new AbortController().signal): Promise<void> {
    await this.stop();
    this.failures = 0;
    this.stopping = false;
    this.setState({ kind: 'idle' });
    await this.ensureStarted(signal);
  }

  /** Stops the server for good: later calls fail instead of starting it again. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.generation++;
    this.starts.forget();
    const transport = this.transport;
    this.client = undefined;
    this.transport = undefined;
    if (transport) await closeTransport(transport);
    this.setState({ kind: 'stopped' });
  }

  private setState(state: SourceState): void {
    this.stateValue = state;
    this.options.onStateChanged?.(this.name, state);
  }

  private log(level: 'info' | 'warn' | 'error', text: string): void {
    this.options.onLog?.(this.name, level, redact(text, this.secrets));
  }

  private async start(): Promise<void> {
    this.stopping = false;
    this.stderr = '';
    this.stderrLine = '';
    const generation = this.generation;
    this.setState({ kind: 'starting' });
    const abort = new AbortController();
    const current = (): void => {
      if (generation !== this.generation) throw new Error('stopped while starting');
    };
    try {
      const resolved = await resolveServer(this.definition, this.options.variables);
      current();
      this.secrets = resolved.secrets;
      const timeout = (): Error => {
        abort.abort('startup timeout');
        const stderr = this.stderrTail().trim();
        const tail = stderr ? `; its stderr ends with: ${stderr.split('\n').slice(-3).join(' | ')}` : '';
        return new Error(`did not finish starting within ${this.options.startupTimeoutMs} ms${tail}`);
      };
      // One deadline for the handshake and the tool list together: timed apart, a start could take
      // twice the timeout and outlast ensureStarted's own wait, which then failed with a vaguer message.
      const deadline = Date.now() + this.options.startupTimeoutMs;
      const kind = await within(this.connect(resolved, abort.signal), this.options.startupTimeoutMs, abort.signal, timeout);
      current();
      this.toolList = await within(this.fetchTools(), Math.max(0, deadline - Date.now()), abort.signal, timeout);
      current();
      this.setState({ kind: 'ready', transport: kind });
      this.log('info', `ready over ${kind} with ${this.toolList.length} tools`);
    } catch (error) {
      abort.abort('failed');
      if (generation !== this.generation) {
        // A stop came while starting: whatever was set up belongs to no one now.
        if (this.transport && this.stateValue.kind !== 'ready') {
          const transport = this.transport;
          this.client = undefined;
          this.transport = undefined;
          await closeTransport(transport);
        }
        throw new ToolCallError(`server "${this.name}" was stopped while it started`);
      }
      const message = redact(await this.startFailure(error), this.secrets);
      const transport = this.transport;
      this.client = undefined;
      this.transport = undefined;
      if (transport) await closeTransport(transport);
      this.failures++;
      this.setState({ kind: 'failed', error: message, retryAt: Date.now() + backoffMs(this.failures) });
      this.log('error', `failed to start: ${message}`);
      throw new ToolCallError(`server "${this.name}" failed to start: ${message}`);
    }
  }

  /** Why a start failed, in words: a closed connection usually means the process exited. */
  private async startFailure(error: unknown): Promise<string> {
    const closed = error instanceof McpError && error.code === ErrorCode.ConnectionClosed;
    // The last stderr lines of a process that just exited may still be on their way.
    if (closed && this.definition.type === 'stdio') await new Promise((resolve) => setTimeout(resolve, 100));
    let text = closed ? `the server ${this.definition.type === 'stdio' ? 'exited' : 'closed the connection'} before it finished starting` : error instanceof Error ? error.message : String(error);
    // The transport may have dropped the connection itself (a tools/list over the size limit).
    if (closed && this.lastTransportError) text = `the connection closed before the server finished starting, after a transport error (${this.lastTransportError.slice(0, 200)})`;
    const tail = this.stderrTail().trim();
    return tail && !text.includes('stderr ends with') ? `${text}; its stderr ends with: ${tail.split('\n').slice(-3).join(' | ')}` : text;
  }

  private newClient(): Client {
    const client = new Client({ name: 'codemode', version: this.options.clientVersion }, { capabilities: { roots: { listChanged: true } } });
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: this.options.roots().map((root) => ({ ...root })) }));
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => this.refreshTools(client));
    return client;
  }

  /**
   * Refreshes the catalogue after notifications/tools/list_changed. A server may send these
   * endlessly (one did every millisecond: a tools/list request, a log line and a listener call
   * each time), so one refresh runs at a time, notifications during it fold into one more after
   * a pause, and listeners hear only of lists that really changed.
   */
  private refreshTools(client: Client): void {
    if (this.refreshing === client) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = client;
    const refresh = async (): Promise<void> => {
      do {
        this.refreshAgain = false;
        try {
          const tools = await this.fetchTools();
          if (client !== this.client) return;
          const changed = JSON.stringify(tools) !== JSON.stringify(this.toolList);
          this.toolList = tools;
          if (changed) {
            this.log('info', `tool list changed: ${tools.length} tools`);
            this.options.onToolsChanged?.(this.name);
          }
        } catch (error) {
          this.log('warn', `could not refresh the tool list: ${describeError(error)}`);
        }
        if (this.refreshAgain) await new Promise((resolve) => setTimeout(resolve, REFRESH_PAUSE_MS));
      } while (this.refreshAgain && client === this.client);
    };
    void refresh().finally(() => {
      if (this.refreshing === client) this.refreshing = undefined;
    });
  }

  /**
   * After a call timed out: a server that cannot answer a ping either is wedged (its event loop
   * blocked, say) and would time out every later call too, so it is ended and restarts on next
   * use. One that answers merely has a slow or stuck tool, and stays.
   */
  private async probe(client: Client, timeoutMs: number): Promise<void> {
    if (this.probing === client) return;
    this.probing = client;
    const waitMs = Math.min(timeoutMs, PING_TIMEOUT_MS);
    try {
      await client.ping({ timeout: waitMs });
      return;
    } catch {
      if (client !== this.client || this.stopping) return;
    } finally {
      if (this.probing === client) this.probing = undefined;
    }
    const transport = this.transport;
    this.client = undefined;
    this.transport = undefined;
    this.failures++;
    const error = `it stopped responding (a call timed out, then a ping got no answer within ${waitMs} ms)`;
    this.setState({ kind: 'failed', error, retryAt: Date.now() + backoffMs(this.failures) });
    this.log('error', `${error}; it is stopped and restarts on next use`);
    if (transport) await closeTransport(transport);
  }

  private async connect(server: ResolvedServer, signal: AbortSignal): Promise<'stdio' | 'http' | 'sse'> {
    if (server.type === 'stdio') {
      const transport = new ServerProcessTransport({ command: server.command, args: [...server.args], env: { ...server.env }, cwd: server.cwd, stderr: 'pipe' });
      transport.stderr?.on('data', (chunk: Buffer) => this.keepStderr(chunk.toString('utf8')));
      await this.attach(transport, signal);
      return 'stdio';
    }
    const url = new URL(server.url);
    const requestInit = { headers: { ...server.headers } };
    if (server.type === 'sse') {
      await this.attach(new SSEClientTransport(url, { requestInit }), signal);
      return 'sse';
    }
    try {
      await this.attach(new StreamableHTTPClientTransport(url, { requestInit }), signal);
      return 'http';
    } catch (streamable) {
      if (signal.aborted) throw streamable;
      // Like VS Code: a server that does not speak Streamable HTTP may still speak the older SSE.
      this.log('info', `Streamable HTTP failed (${(streamable as Error).message}); trying SSE`);
      try {
        await this.attach(new SSEClientTransport(url, { requestInit }), signal);
        return 'sse';
      } catch (sse) {
        throw new Error(`neither Streamable HTTP (${(streamable as Error).message}) nor SSE (${(sse as Error).message}) worked`);
      }
    }
  }

  private async attach(transport: Transport, signal: AbortSignal): Promise<void> {
    const client = this.newClient();
    this.lastTransportError = undefined;
    this.transport = transport;
    this.client = client;
    client.onclose = () => this.closed(client, 'closed');
    // The SDK closes a stdio transport itself on a message over its size limit, then takes until
    // the process has gone to say so; meanwhile calls failed with "Not connected". Now the
    // connection is let go at once and the next use starts the server again.
    if (transport instanceof ServerProcessTransport) transport.onclosing = () => this.closed(client, 'dropped');
    client.onerror = (error) => {
      // Once let go of, a connection's complaints are the noise of its teardown ("Not connected").
      if (client !== this.client) return;
      const text = describeError(error);
      // The first complaint is the cause; later ones are usually its consequences.
      this.lastTransportError ??= text;
      this.recentTransportError = text;
      this.transportErrors++;
      this.log('warn', `transport error: ${text}`);
    };
    try {
      await client.connect(transport);
      // The start may have timed out or been stopped while this connection was being made.
      if (signal.aborted) throw new Error(`connection abandoned (${String(signal.reason)})`);
    } catch (error) {
      this.client = undefined;
      this.transport = undefined;
      await closeTransport(transport);
      throw error;
    }
  }

  /** The connection ended without a stop: the server `closed` it (exited), or the transport `dropped` it on an error. */
  private closed(client: Client, how: 'closed' | 'dropped'): void {
    // While starting, the start's own failure handling counts the failure: counted here as well,
    // a server that exits at start was counted twice and its backoff doubled.
    if (client !== this.client || this.stopping || this.stateValue.kind === 'starting') return;
    this.client = undefined;
    this.transport = undefined;
    this.failures++;
    const stderr = this.stderrTail().trim();
    const tail = stderr ? `; its stderr ends with: ${stderr.split('\n').slice(-3).join(' | ')}` : '';
    // A transport drops the connection right after the error that made it.
    const transportError = how === 'dropped' ? this.recentTransportError : this.lastTransportError;
    const cause = transportError ? ` after a transport error (${redact(transportError.slice(0, 200), this.secrets)})` : '';
    this.lastTransportError = undefined;
    const error = `${how === 'dropped' ? 'the connection to the server was dropped' : 'the server closed the connection'}${cause}${tail}`;
    this.setState({ kind: 'failed', error, retryAt: Date.now() + backoffMs(this.failures) });
    this.log('error', `${error}; it restarts on next use`);
  }

  private keepStderr(raw: string): void {
    this.stderr = (this.stderr + raw).slice(-STDERR_KEEP_BYTES);
    // Whole lines go to the log (redacted by log()); a partial line waits for the rest of it.
    const lines = (this.stderrLine + raw).split('\n');
    this.stderrLine = lines.pop()!.slice(-STDERR_KEEP_BYTES);
    for (const line of lines) if (line.trim()) this.logStderrLine(line);
  }

  /**
   * Logs a stderr line unless the server has written more than STDERR_LOG_LINES_PER_SECOND this
   * second: a flooding server (twenty thousand lines a second in the tests) would otherwise bury
   * the extension host in output-channel writes. Its stderr tail still keeps the latest lines.
   */
  private logStderrLine(line: string): void {
    const now = Date.now();
    if (now - this.stderrWindow.start >= 1000) {
      const skipped = this.stderrWindow.skipped;
      if (skipped > 0) this.log('warn', `[stderr] ${skipped} more lines were not logged (over ${STDERR_LOG_LINES_PER_SECOND} a second)`);
      this.stderrWindow = { start: now, logged: 0, skipped: 0 };
    }
    if (this.stderrWindow.logged < STDERR_LOG_LINES_PER_SECOND) {
      this.stderrWindow.logged++;
      this.log('info', `[stderr] ${line}`);
    } else {
      this.stderrWindow.skipped++;
    }
  }

  private async fetchTools(): Promise<ToolInfo[]> {
    const client = this.client;
    if (!client) throw new Error('not connected');
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const result = await client.listTools(cursor ? { cursor } : undefined).catch((error: unknown) => {
        // The SDK's message for a malformed list is its validation issues as pages of JSON.
        const issues = schemaIssues(error);
        throw issues ? new Error(`its tools/list answer does not follow the MCP schema: ${issues}`) : error;
      });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    this.failures = 0;
    // A description or schema can quote the server's own configuration; declarations and models must not see it.
    return redactValue(tools, this.secrets).map((tool) => ({
      server: this.name,
      name: tool.name,
      ...(tool.title ? { title: tool.title } : {}),
      ...(tool.description ? { description: tool.description } : {}),
      inputSchema: tool.inputSchema,
      ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
    }));
  }

  private callError(error: unknown, timeoutMs: number, signal: AbortSignal): Error {
    if (signal.aborted) return abortError(signal);
    if (error instanceof McpError) {
      if (error.code === ErrorCode.RequestTimeout) return new ToolCallError(`the call exceeded the per-call timeout of ${timeoutMs} ms (callTimeoutMs)`);
      if (error.code === ErrorCode.ConnectionClosed) {
        const state = this.stateValue;
        return new ToolCallError(`server "${this.name}" stopped during the call: ${state.kind === 'failed' ? state.error : 'connection closed'}`);
      }
      return new ToolCallError(redact(error.message.replace(/^MCP error -?\d+: /, ''), this.secrets));
    }
    return new ToolCallError(redact(error instanceof Error ? error.message : String(error), this.secrets));
  }
}
