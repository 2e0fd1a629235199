// VS Code's own language-model tools (`vscode.lm.tools`, contributed by other extensions) as the
// `vscode` namespace, when `codemode.vscodeTools.enabled` is on. Every call goes through
// `vscode.lm.invokeTool`, so VS Code activates the tool's extension and shows the tool's own
// confirmations: in the chat when the run comes from a chat request (its tool invocation token
// travels with the run's calls), otherwise VS Code's own way. Code Mode's own tools are never
// offered: a script calling codemode_run would recurse.

import { AsyncLocalStorage } from 'node:async_hooks';
import * as vscode from 'vscode';
import { RUN_TOOL, SEARCH_TOOL } from '../core/modelTools';
import { ToolCallError, type CallOptions, type JsonSchema, type ListToolsRequest, type ToolCatalog, type ToolInfo, type ToolProvider } from '../core/provider';
import type { SourceState, ToolSource } from '../core/sources/source';
import type { CodeModeContext } from './context';
import type { SourceEvents } from './servers';

/** The source's key, and so its namespace; a configured server of that name takes precedence. */
const VSCODE_TOOLS_SOURCE = 'vscode';

const OWN_TOOLS = new Set([RUN_TOOL.name, SEARCH_TOOL.name]);

/** The chat request a run's calls belong to: set around each call by {@link withToolInvocationToken}. */
const invocation = new AsyncLocalStorage<vscode.ChatParticipantToolToken | undefined>();

/**
 * The provider for a run made on behalf of a chat request (`@codemode`, or `codemode_run` invoked
 * in chat): its VS Code tools are invoked with the request's token, so their progress and
 * confirmations appear in that chat. Without a token VS Code confirms in its own way.
 */
export function withToolInvocationToken(provider: ToolProvider, token: vscode.ChatParticipantToolToken | undefined): ToolProvider {
  if (token === undefined) return provider;
  return {
    ownsCallTimeouts: provider.ownsCallTimeouts,
    listTools: (signal: AbortSignal, request?: ListToolsRequest): Promise<ToolCatalog> => provider.listTools(signal, request),
    callTool: (server: string, tool: string, args: unknown, options: CallOptions): Promise<unknown> => invocation.run(token, () => provider.callTool(server, tool, args, options)),
  };
}

interface Filter {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

function readFilter(): Filter {
  const settings = vscode.workspace.getConfiguration('codemode.vscodeTools');
  const list = (key: string): string[] => (settings.get<unknown[]>(key) ?? []).filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '');
  return { include: list('include'), exclude: list('exclude') };
}

/** A tool matches a filter entry by its name or one of its tags. */
function matches(tool: vscode.LanguageModelToolInformation, entries: readonly string[]): boolean {
  return entries.some((entry) => entry === tool.name || tool.tags.includes(entry));
}

/** The tools VS Code offers now, under the include and exclude settings, Code Mode's own left out. */
function offeredTools(filter: Filter): ToolInfo[] {
  return vscode.lm.tools
    .filter((tool) => !OWN_TOOLS.has(tool.name) && (filter.include.length === 0 || matches(tool, filter.include)) && !matches(tool, filter.exclude))
    .map((tool) => ({
      server: VSCODE_TOOLS_SOURCE,
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      ...(tool.inputSchema ? { inputSchema: tool.inputSchema as JsonSchema } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The strings of a prompt-tsx element tree, in order: what the model would have read. */
function promptText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  if (Array.isArray(value)) return value.map(promptText).join('');
  return Object.entries(value)
    .map(([key, child]) => (key === 'text' && typeof child === 'string' ? child : promptText(child)))
    .join('');
}

/** One part of a tool's result as a script sees it: text (parsed when JSON), or a compact description. */
function partValue(part: unknown): unknown {
  if (part instanceof vscode.LanguageModelTextPart) return parseText(part.value);
  if (part instanceof vscode.LanguageModelDataPart) {
    const { mimeType, data } = part;
    if (/^application\/(.+\+)?json\b/.test(mimeType)) return parseText(new TextDecoder().decode(data));
    if (mimeType.startsWith('text/')) return new TextDecoder().decode(data);
    return { type: 'data', mimeType, bytes: data.byteLength };
  }
  if (part instanceof vscode.LanguageModelPromptTsxPart) return { type: 'prompt-tsx', text: promptText(part.value) };
  return { type: 'unknown' };
}

function toolResultValue(result: vscode.LanguageModelToolResult): unknown {
  const values = result.content.map(partValue);
  return values.length === 1 ? values[0] : values;
}

function callError(error: unknown, signal: AbortSignal, timedOut: boolean, timeoutMs: number): ToolCallError {
  if (timedOut) return new ToolCallError(`the call exceeded the per-call timeout of ${timeoutMs} ms (callTimeoutMs)`);
  if (signal.aborted) return new ToolCallError(`cancelled (${String(signal.reason ?? 'aborted')})`);
  // VS Code cancels an invocation whose confirmation the user declined.
  if (error instanceof vscode.CancellationError || (error instanceof Error && error.name === 'Canceled')) {
    return new ToolCallError('VS Code did not run it: its confirmation was declined or cancelled');
  }
  return new ToolCallError(error instanceof Error ? error.message : String(error));
}

/** The `vscode` namespace: VS Code's language-model tools, listed afresh whenever the hub asks. */
export class VscodeToolSource implements ToolSource {
  readonly name = VSCODE_TOOLS_SOURCE;
  readonly kind = 'vscode';
  private stateValue: SourceState = { kind: 'idle' };
  private toolList: readonly ToolInfo[] = [];
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly events: SourceEvents) {
    // VS Code has no event for its tool list; extensions coming and going, or the filter changing, are what change it.
    this.subscriptions = [
      vscode.extensions.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('codemode.vscodeTools.include') || event.affectsConfiguration('codemode.vscodeTools.exclude')) this.refresh();
      }),
    ];
  }

  get state(): SourceState {
    return this.stateValue;
  }

  get tools(): readonly ToolInfo[] {
    return this.toolList;
  }

  async ensureStarted(): Promise<void> {
    if (this.stateValue.kind === 'stopped') throw new ToolCallError(`the "${this.name}" namespace of VS Code's tools is no longer offered`);
    this.refresh();
  }

  async callTool(tool: string, args: unknown, signal: AbortSignal, timeoutMs: number): Promise<unknown> {
    await this.ensureStarted();
    if (!this.toolList.some((known) => known.name === tool)) {
      throw new ToolCallError(`VS Code offers no tool "${tool}" here (is the extension that provides it installed and enabled, and the tool not excluded by codemode.vscodeTools?)`);
    }
    if (signal.aborted) throw callError(undefined, signal, false, timeoutMs);
    const cancellation = new vscode.CancellationTokenSource();
    let timedOut = false;
    const onAbort = (): void => cancellation.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        cancellation.cancel();
        reject(new Error('timeout'));
      }, timeoutMs);
    });
    const cancelled = new Promise<never>((_, reject) => cancellation.token.onCancellationRequested(() => reject(new vscode.CancellationError())));
    try {
      const input = typeof args === 'object' && args !== null ? args : {};
      const result = await Promise.race([vscode.lm.invokeTool(tool, { input, toolInvocationToken: invocation.getStore() }, cancellation.token), deadline, cancelled]);
      return toolResultValue(result);
    } catch (error) {
      throw callError(error, signal, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      cancellation.dispose();
    }
  }

  async restart(): Promise<void> {
    this.setState({ kind: 'idle' });
    this.refresh();
  }

  async dispose(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.setState({ kind: 'stopped' });
  }

  /** Lists the tools again; tells the hub's listeners when the list changed. */
  private refresh(): void {
    if (this.stateValue.kind === 'stopped') return;
    const tools = offeredTools(readFilter());
    const changed = JSON.stringify(tools) !== JSON.stringify(this.toolList);
    this.toolList = tools;
    if (this.stateValue.kind !== 'ready') this.setState({ kind: 'ready', transport: 'vscode' });
    else if (changed) this.events.onToolsChanged(this.name);
    if (changed) this.events.onLog(this.name, 'info', `VS Code offers ${tools.length} tools: ${tools.map((tool) => tool.name).join(', ') || 'none'}`);
  }

  private setState(state: SourceState): void {
    this.stateValue = state;
    this.events.onStateChanged(this.name, state);
  }
}

/** Offers VS Code's tools to the servers' hub while `codemode.vscodeTools.enabled` is on. */
export function registerVscodeTools(ctx: CodeModeContext): void {
  ctx.register(ctx.servers.addSources((events) => (vscode.workspace.getConfiguration('codemode.vscodeTools').get<boolean>('enabled', false) ? [new VscodeToolSource(events)] : [])));
  ctx.register(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('codemode.vscodeTools.enabled')) void ctx.servers.reload();
    }),
  );
}
