// Every script run in this window goes through here, whoever started it (the editor, the
// `codemode_run` tool, @codemode): one place that applies the approval rules, keeps each run
// stoppable, records its trace for the run panel, keeps the history across window reloads, and
// works out its token account once it ends.

import path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MODEL_OUTPUT_CHARS } from '../core/modelTools';
import type { ToolInfo } from '../core/provider';
import type { ScriptOrigin } from '../core/run/approvals';
import { formatForModel } from '../core/run/format';
import type { RunResult, RunSource, TraceEvent } from '../core/run/trace';
import { accountTokens, CallCollector, type AccountedCall, type TokenAccount, type TokenCounter } from '../core/tokens/account';
import { declarationText } from '../core/typegen/generate';
import type { PanelEvent } from '../../webview/protocol';
import { approvedProvider } from './approvals';
import type { CodeModeContext } from './context';
import { RunHistory, toPanelEvent, type RunSummary } from './runHistory';
import { withToolInvocationToken } from './vscodeTools';

export interface RunRequest {
  readonly code: string;
  readonly fileName: string;
  /** The script's file, when it was run from one. */
  readonly fileUri?: vscode.Uri;
  readonly source: RunSource;
  /** Who wrote the script: the approval rules ask before a model's script changes things. */
  readonly origin: ScriptOrigin;
  /** Names the run in approval prompts. */
  readonly label: string;
  readonly signal?: AbortSignal;
  /** The chat request the run serves, when it serves one: VS Code's tools called by the script show their confirmations there. */
  readonly toolInvocationToken?: vscode.ChatParticipantToolToken;
  /**
   * What the model read before writing the script and what it got back, when the caller knows:
   * @codemode gives the declarations in its prompt (no tool definitions) and caps the output itself.
   */
  readonly context?: { readonly apiText: string; readonly outputChars: number; readonly toolDefinitions: boolean };
  readonly onEvent?: (event: TraceEvent) => void;
}

/** Characters of panel history saved for the next window (the newest runs that fit). */
const SAVED_HISTORY_CHARS = 8 * 1024 * 1024;
const SAVE_DELAY_MS = 1_500;
const HISTORY_FILE = 'run-history.json';

const EVENT_TYPES = new Set<string>(['run-started', 'log', 'call-started', 'call-finished', 'run-finished', 'tokens', 'tokens-unavailable']);

function isPanelEvent(value: PanelEvent): boolean {
  return typeof value === 'object' && value !== null && typeof value.runId === 'string' && EVENT_TYPES.has(value.type);
}

interface TokenizerModule {
  o200kCounter(): TokenCounter;
}

export class RunService implements vscode.Disposable {
  readonly history = new RunHistory();
  private readonly running = new Map<string, AbortController>();
  private readonly recorded = new vscode.EventEmitter<readonly PanelEvent[]>();
  private readonly runningChanged = new vscode.EventEmitter<readonly string[]>();
  private readonly started = new vscode.EventEmitter<{ runId: string; source: RunSource }>();
  private readonly cleared = new vscode.EventEmitter<void>();
  private tokenizer: TokenizerModule | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly restored: Promise<void>;

  /** Panel events as they are recorded. */
  readonly onDidRecord = this.recorded.event;
  /** The ids of the runs that can be stopped, whenever that set changes. */
  readonly onDidChangeRunning = this.runningChanged.event;
  readonly onDidStart = this.started.event;
  readonly onDidClear = this.cleared.event;

  constructor(private readonly ctx: CodeModeContext) {
    this.restored = this.restore();
  }

  /** Resolves once the history saved by the previous window is loaded. */
  whenRestored(): Promise<void> {
    return this.restored;
  }

  summaries(): RunSummary[] {
    return this.history.summaries();
  }

  runningIds(): string[] {
    return [...this.running.keys()];
  }

  async run(request: RunRequest): Promise<RunResult> {
    await this.restored;
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    if (request.signal?.aborted) abort.abort();
    const calls = new CallCollector();
    let runId: string | undefined;
    const onEvent = (event: TraceEvent): void => {
      if (event.type === 'call-started') calls.started(event.callId, event.args);
      else if (event.type === 'call-finished') calls.finished(event.callId, event);
      this.record(toPanelEvent(event, request.fileUri?.toString()));
      if (event.type === 'run-started') {
        runId = event.runId;
        this.running.set(runId, abort);
        this.runningChanged.fire(this.runningIds());
        this.started.fire({ runId, source: event.source });
      }
      request.onEvent?.(event);
    };
    try {
      return await this.ctx.servers.withProvider((provider) =>
        this.ctx.runner.run({
          code: request.code,
          fileName: request.fileName,
          provider: approvedProvider(withToolInvocationToken(provider, request.toolInvocationToken), request.origin, request.label),
          source: request.source,
          signal: abort.signal,
          onEvent,
        }).then((result) => {
          if (runId) this.scheduleAccount(runId, request, result, calls.list());
          return result;
        }),
      );
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      if (runId && this.running.delete(runId)) this.runningChanged.fire(this.runningIds());
    }
  }

  /** Stops a running run; its calls are cancelled and it ends with a CancelledError. */
  stop(runId: string): void {
    this.running.get(runId)?.abort();
  }

  /** Runs a recorded run's script again, as the same kind of author. */
  async rerun(runId: string): Promise<RunResult | undefined> {
    const started = this.history.started(runId);
    if (!started) return undefined;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Code Mode runs scripts only in a trusted workspace.');
      return undefined;
    }
    const byPerson = started.source === 'editor' || started.source === 'cli';
    return this.run({
      code: started.code,
      fileName: started.fileName ?? 'script.ts',
      fileUri: started.fileUri ? vscode.Uri.parse(started.fileUri) : undefined,
      source: started.source,
      origin: byPerson ? 'person' : 'model',
      label: byPerson ? `Re-running ${started.fileName ?? 'a script'}` : 'A re-run of a script a model wrote',
    });
  }

  clear(): void {
    this.history.clear();
    this.cleared.fire();
    this.scheduleSave();
  }

  /** Writes a pending save now; deactivation awaits it so a reload right after a run keeps it. */
  async flush(): Promise<void> {
    if (!this.saveTimer) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }

  dispose(): void {
    for (const abort of this.running.values()) abort.abort();
    this.recorded.dispose();
    this.runningChanged.dispose();
    this.started.dispose();
    this.cleared.dispose();
  }

  private record(event: PanelEvent): void {
    if (!this.history.add(event)) return;
    this.recorded.fire([event]);
    if (event.type === 'run-finished' || event.type === 'tokens' || event.type === 'tokens-unavailable') this.scheduleSave();
  }

  /** Counts tokens after the run has answered its caller, so the count never delays a result. */
  private scheduleAccount(runId: string, request: RunRequest, result: RunResult, calls: AccountedCall[]): void {
    setImmediate(() => {
      this.account(request, result, calls)
        .then(({ account, apiNote }) => this.record({ type: 'tokens', runId, account, apiNote }))
        .catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          this.ctx.log.warn(`Could not count the tokens of a run: ${reason}`);
          this.record({ type: 'tokens-unavailable', runId, reason });
        });
    });
  }

  private async account(request: RunRequest, result: RunResult, calls: AccountedCall[]): Promise<{ account: TokenAccount; apiNote: string }> {
    const servers = this.ctx.servers.hub?.status() ?? [];
    const tools: ToolInfo[] = servers.flatMap((server) => server.tools);
    const namespaces = new Map(servers.map((server) => [server.name, server.namespace]));
    const used = new Set(result.calls.map((call) => call.server));
    const { context } = request;
    const apiText = context?.apiText ?? (await declarationText(tools.filter((tool) => used.has(tool.server)), namespaces));
    const apiNote = context ? 'the declarations @codemode gave the model' : 'the declarations of the servers the script called (what codemode_search gives for them)';
    const codeModeTools =
      context?.toolDefinitions === false
        ? []
        : vscode.lm.tools.filter((tool) => tool.name.startsWith('codemode_')).map((tool) => ({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema as ToolInfo['inputSchema'] }));
    const outputChars = context?.outputChars ?? vscode.workspace.getConfiguration('codemode').get<number>('maxModelOutputChars', DEFAULT_MODEL_OUTPUT_CHARS);
    const account = await accountTokens(
      { tools, apiText, apiLabel: 'API declarations', codeModeTools, script: request.code, output: formatForModel(result, outputChars), calls },
      this.loadTokenizer().o200kCounter(),
    );
    return { account, apiNote };
  }

  /** The tokenizer ships as its own bundle beside the extension's, loaded on first use. */
  private loadTokenizer(): TokenizerModule {
    // A computed path keeps esbuild from bundling the 2.4 MB tokenizer into the extension.
    this.tokenizer ??= require(path.join(this.ctx.extension.extensionPath, 'dist', 'tokenizer.js')) as TokenizerModule;
    return this.tokenizer;
  }

  /**
   * The workspace's own file, when history is saved at all: a window without a folder has no
   * storage of its own, and sharing one file between such windows would mix their runs.
   */
  private historyFile(): vscode.Uri | undefined {
    const storage = this.ctx.extension.storageUri;
    if (!storage || !vscode.workspace.getConfiguration('codemode').get<boolean>('saveRunHistory', true)) return undefined;
    return vscode.Uri.joinPath(storage, HISTORY_FILE);
  }

  private async restore(): Promise<void> {
    const file = this.historyFile();
    if (!file) return;
    try {
      const saved: unknown = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file)));
      if (!Array.isArray(saved)) throw new Error('it is not a list of events');
      // A file from another version may hold events this one does not know; they are skipped.
      for (const event of saved as PanelEvent[]) if (isPanelEvent(event)) this.history.add(event);
      this.history.settleRestored(Date.now());
    } catch (error) {
      if (!(error instanceof vscode.FileSystemError && error.code === 'FileNotFound')) {
        this.ctx.log.warn(`The run history of the last session could not be read; starting a new one (${error instanceof Error ? error.message : String(error)}).`);
      }
    }
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, SAVE_DELAY_MS);
  }

  private async save(): Promise<void> {
    const file = this.historyFile();
    if (!file) return;
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(file, '..'));
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify(this.history.newestWithin(SAVED_HISTORY_CHARS))));
    } catch (error) {
      this.ctx.log.warn(`Could not save the run history: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
