// Code Mode as an MCP server: the extension's two model tools (run a script, search the API) over
// whatever a ToolProvider offers. One CodeModeService holds what every client connection shares —
// the provider, the sandbox pool, the runs in flight — and makes one SDK Server per connection.
// The low-level Server rather than McpServer: McpServer wants zod schemas, and these tools' input
// schemas are the JSON ones package.json repeats for VS Code, served as they are.

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { namespacesNote, RUN_TOOL, searchAnswer, SEARCH_TOOL } from '../core/modelTools';
import type { ToolProvider } from '../core/provider';
import { describeCall, formatForModel, summarizeRun } from '../core/run/format';
import { ScriptRunner } from '../core/run/runner';
import type { TraceEvent } from '../core/run/trace';
import type { Limits } from '../core/sandbox/limits';

export interface ServiceOptions {
  readonly provider: ToolProvider;
  /** Server → namespace, known before any server starts, so descriptions never start one. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** Limits every run gets (the command line's flags); the rest are the defaults. */
  readonly limits: Partial<Limits>;
  readonly maxOutputChars: number;
  readonly version: string;
  /** Diagnostics for people; never the protocol's stream. */
  readonly log: (text: string) => void;
}

/** Progress messages carry a log line or a call; a model-sized line is plenty for a client's status. */
const PROGRESS_TEXT = 200;

const textResult = (text: string, isError = false): CallToolResult => ({ content: [{ type: 'text', text }], ...(isError ? { isError: true } : {}) });

export class CodeModeService {
  private readonly runner = new ScriptRunner();
  /** Runs in flight: how to cancel each, and when it has answered. */
  private readonly running = new Map<AbortController, Promise<CallToolResult>>();
  private readonly tools: Tool[];
  private readonly instructions: string;

  constructor(private readonly options: ServiceOptions) {
    const note = namespacesNote(options.namespaces);
    this.tools = [
      {
        name: RUN_TOOL.name,
        title: RUN_TOOL.title,
        description: `${RUN_TOOL.description}\n\n${note}`,
        inputSchema: RUN_TOOL.inputSchema,
        // Scripts call whatever tools the servers have, including ones that change things.
        annotations: { title: RUN_TOOL.title, readOnlyHint: false, openWorldHint: true },
      },
      {
        name: SEARCH_TOOL.name,
        title: SEARCH_TOOL.title,
        description: `${SEARCH_TOOL.description}\n\n${note}`,
        inputSchema: SEARCH_TOOL.inputSchema,
        annotations: { title: SEARCH_TOOL.title, readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      },
    ];
    this.instructions = `Code Mode: instead of calling MCP tools one at a time, write one script that calls them. First call ${SEARCH_TOOL.name} (an empty query lists the namespaces and their tools; words return TypeScript declarations), then ${RUN_TOOL.name} with a script that makes the calls and returns only the answer. ${note}`;
  }

  /** A protocol endpoint for one client connection (stdio, or one Streamable HTTP session). */
  createServer(): Server {
    const server = new Server({ name: 'codemode', title: 'Code Mode', version: this.options.version }, { capabilities: { tools: {} }, instructions: this.instructions });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: this.tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const args = request.params.arguments ?? {};
      switch (request.params.name) {
        case RUN_TOOL.name: {
          const token = extra._meta?.progressToken;
          const progress = token === undefined ? undefined : (message: string, step: number) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: step, message } });
          return this.run(args.code, extra.signal, progress);
        }
        case SEARCH_TOOL.name:
          return this.search(args.query, extra.signal);
        default:
          throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}": this server has ${RUN_TOOL.name} and ${SEARCH_TOOL.name}`);
      }
    });
    return server;
  }

  /**
   * One script run. `progress`, when the client asked for it, hears each log line and finished
   * tool call as it happens; a failed run is a tool error whose text has the error and its place.
   */
  async run(code: unknown, signal: AbortSignal, progress?: (message: string, step: number) => Promise<void>): Promise<CallToolResult> {
    if (typeof code !== 'string' || code.trim() === '') return textResult('Give the script as { "code": "<TypeScript or JavaScript>" }.', true);
    const abort = new AbortController();
    const onCancel = (): void => abort.abort();
    signal.addEventListener('abort', onCancel, { once: true });
    if (signal.aborted) abort.abort();
    const answer = this.execute(code, abort.signal, progress);
    this.running.set(abort, answer);
    try {
      return await answer;
    } finally {
      signal.removeEventListener('abort', onCancel);
      this.running.delete(abort);
    }
  }

  private async execute(code: string, signal: AbortSignal, progress?: (message: string, step: number) => Promise<void>): Promise<CallToolResult> {
    const calls = new Map<number, { readonly server: string; readonly tool: string }>();
    let step = 0;
    // Notifications go out one after another, and all before the answer: a client forgets a
    // request's progress handler once it has the answer.
    let reported = Promise.resolve();
    const report = (message: string): void => {
      const text = message.length > PROGRESS_TEXT ? `${message.slice(0, PROGRESS_TEXT - 1)}…` : message;
      const n = ++step;
      // A client that went away cannot be told; the run goes on to its end or its cancellation.
      reported = reported.then(() => progress?.(text, n)).catch(() => undefined);
    };
    const onEvent = (event: TraceEvent): void => {
      if (event.type === 'log') report(event.text);
      else if (event.type === 'call-started') calls.set(event.callId, { server: event.server, tool: event.tool });
      else if (event.type === 'call-finished') {
        const call = calls.get(event.callId);
        if (call) report(describeCall({ ...call, args: undefined, ok: event.ok, durationMs: event.durationMs, error: event.error }));
      }
    };
    const result = await this.runner.run({
      code,
      fileName: 'model-script.ts',
      provider: this.options.provider,
      limits: this.options.limits,
      signal,
      source: 'cli',
      onEvent: progress ? onEvent : undefined,
    });
    await reported;
    this.options.log(`run ${signal.aborted ? 'cancelled' : summarizeRun(result)}`);
    return textResult(formatForModel(result, this.options.maxOutputChars, code), !result.ok);
  }

  /** The API lookup over every server, which starts those not yet started. */
  async search(query: unknown, signal: AbortSignal): Promise<CallToolResult> {
    const words = typeof query === 'string' ? query : '';
    this.options.log(words.trim() ? `search "${words.trim()}"` : 'search (all namespaces)');
    return textResult(await searchAnswer(await this.options.provider.listTools(signal), words));
  }

  /**
   * Cancels every run in flight and resolves once each has its answer (so a client waiting on one
   * is told it was cancelled before the connection closes), then ends the sandbox workers.
   */
  async close(): Promise<void> {
    for (const abort of this.running.keys()) abort.abort();
    await Promise.allSettled(this.running.values());
    this.runner.dispose();
  }
}
