// The MCP servers of this window: `codemode.servers` from settings and, unless turned off, every
// workspace folder's `.vscode/mcp.json`. Rebuilt when either changes. Nothing a workspace defines
// starts until the workspace is trusted. `${input:…}` answers are asked once and kept in
// SecretStorage. Each server logs to a channel of its own.

import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { configFromValue, parseConfig } from '../core/config/load';
import { formatIssue, type ConfigIssue, type InputDefinition, type LoadedConfig, type ServerDefinition, type SourceDefinition } from '../core/config/types';
import type { ConnectionOptions } from '../core/mcp/connection';
import { McpHub } from '../core/mcp/hub';
import { noTools, type ToolProvider } from '../core/provider';
import { createSources } from '../core/sources/create';
import type { ToolSource } from '../core/sources/source';
import type { CodeModeContext } from './context';

const SECRET_PREFIX = 'codemode.input.';
const STARTUP_TIMEOUT_MS = 30_000;

/** What a tool source reports to the manager: its log lines, its state, changes to its tools. */
export type SourceEvents = Required<Pick<ConnectionOptions, 'onLog' | 'onStateChanged' | 'onToolsChanged'>>;

/** Makes the sources a feature adds beside the configured servers, anew for each hub (none in Restricted Mode). */
export type SourceFactory = (events: SourceEvents) => readonly ToolSource[];

export class ServerManager implements vscode.Disposable {
  private hubValue: McpHub | undefined;
  private issuesValue: readonly ConfigIssue[] = [];
  private readonly channels = new Map<string, vscode.LogOutputChannel>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly toolsChanged = new vscode.EventEmitter<string>();
  private readonly reloaded = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private reloading: Promise<void> = Promise.resolve();
  private reloadTimer: NodeJS.Timeout | undefined;
  /** Runs still using each hub: a replaced hub is stopped only when its last run ends. */
  private readonly users = new Map<McpHub, number>();
  private readonly retired = new Set<McpHub>();
  /** One prompt at a time, and one per input even when several servers start together. */
  private prompting: Promise<unknown> = Promise.resolve();
  private readonly pendingAnswers = new Map<string, Promise<string>>();
  private readonly sourceFactories = new Set<SourceFactory>();
  disposed = false;

  /** Fires when the set of servers, or a server's state, changes. */
  readonly onDidChange = this.changed.event;
  /** Fires with a server's name when its tools change (it started, or sent list_changed). */
  readonly onDidChangeTools = this.toolsChanged.event;
  /** Fires when the configuration was read again and the servers replaced. */
  readonly onDidReload = this.reloaded.event;

  constructor(private readonly ctx: CodeModeContext) {
    this.disposables.push(
      this.changed,
      this.toolsChanged,
      this.reloaded,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (['codemode.servers', 'codemode.openapi', 'codemode.commands', 'codemode.inputs', 'codemode.readMcpJson'].some((key) => event.affectsConfiguration(key))) this.scheduleReload();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleReload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watchMcpJson();
        this.scheduleReload();
      }),
    );
    this.watchMcpJson();
  }

  private watchers: vscode.Disposable[] = [];

  /** Watches exactly the files read: each folder's .vscode/mcp.json. */
  private watchMcpJson(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.vscode/mcp.json'));
      return [watcher, watcher.onDidChange(() => this.scheduleReload()), watcher.onDidCreate(() => this.scheduleReload()), watcher.onDidDelete(() => this.scheduleReload())];
    });
  }

  /** Several changes in a row (a save that touches settings and mcp.json) make one reload. */
  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), 200);
  }

  /**
   * Runs `use` with the current tool provider, holding its hub: a reload meanwhile replaces the
   * hub for later runs, and stops this one's servers only when `use` is done.
   */
  async withProvider<T>(use: (provider: ToolProvider) => Promise<T>): Promise<T> {
    await this.reloading;
    const hub = this.hubValue;
    if (!hub) return use(noTools);
    this.users.set(hub, (this.users.get(hub) ?? 0) + 1);
    try {
      return await use(hub);
    } finally {
      const left = (this.users.get(hub) ?? 1) - 1;
      if (left > 0) this.users.set(hub, left);
      else {
        this.users.delete(hub);
        if (this.retired.delete(hub)) void hub.dispose();
      }
    }
  }

  /** The hub, once the configuration has been read; undefined in Restricted Mode. */
  get hub(): McpHub | undefined {
    return this.hubValue;
  }

  get issues(): readonly ConfigIssue[] {
    return this.issuesValue;
  }

  /** The hub once any reload in progress is done; undefined in Restricted Mode. */
  async current(): Promise<McpHub | undefined> {
    await this.reloading;
    return this.hubValue;
  }

  /** Re-reads the configuration and replaces the hub (stopping the old servers). */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.rebuild()).catch((error: unknown) => this.ctx.log.error(`Could not load the servers: ${String(error)}`));
    return this.reloading;
  }

  /** Adds tool sources to every hub from the next reload on (see VS Code's own tools, vscodeTools.ts). */
  addSources(factory: SourceFactory): vscode.Disposable {
    this.sourceFactories.add(factory);
    return { dispose: () => this.sourceFactories.delete(factory) };
  }

  channel(server: string): vscode.LogOutputChannel {
    if (this.disposed) return this.ctx.log;
    let channel = this.channels.get(server);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`Code Mode: ${server}`, { log: true });
      this.channels.set(server, channel);
    }
    return channel;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.reloadTimer);
    for (const disposable of [...this.disposables, ...this.watchers]) disposable.dispose();
    await this.reloading;
    const hubs = [this.hubValue, ...this.retired].filter((hub): hub is McpHub => hub !== undefined);
    this.hubValue = undefined;
    await Promise.all(hubs.map((hub) => hub.dispose()));
    for (const channel of this.channels.values()) channel.dispose();
  }

  private async rebuild(): Promise<void> {
    if (this.disposed) return;
    const config = await this.readConfig();
    if (this.disposed) return;
    this.issuesValue = config.issues;
    for (const issue of config.issues) this.ctx.log[issue.severity === 'error' ? 'error' : 'warn'](formatIssue(issue));
    const old = this.hubValue;
    this.hubValue = undefined;
    // A hub that runs still use is stopped when the last of them ends (see withProvider).
    if (old && this.users.has(old)) this.retired.add(old);
    else await old?.dispose();
    if (!vscode.workspace.isTrusted) {
      this.ctx.log.info('Restricted Mode: no MCP server starts and no script runs until the workspace is trusted.');
    } else {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const events: SourceEvents = {
        onLog: (server, level, text) => this.channel(server)[level](text),
        onStateChanged: (server, state) => {
          if (state.kind === 'ready') this.toolsChanged.fire(server);
          this.changed.fire();
        },
        onToolsChanged: (server) => this.toolsChanged.fire(server),
      };
      const variables: ConnectionOptions['variables'] = { workspaceFolder: folder, env: process.env, inputs: config.inputs, input: (input, server) => this.answer(input, server) };
      // OpenAPI and command sources exist only here, in a trusted workspace: commands run programs.
      const sources = [...createSources(config, { variables, ...events }), ...[...this.sourceFactories].flatMap((factory) => factory(events))];
      const hub = new McpHub(
        config.servers,
        {
          variables,
          roots: () => (vscode.workspace.workspaceFolders ?? []).map((workspaceFolder) => ({ uri: pathToFileURL(workspaceFolder.uri.fsPath).href, name: workspaceFolder.name })),
          startupTimeoutMs: STARTUP_TIMEOUT_MS,
          clientVersion: String(this.ctx.extension.extension.packageJSON.version ?? 'dev'),
          ...events,
        },
        sources,
      );
      // A configured server keeps its name; a source that wanted it is left out.
      for (const source of sources.filter((source) => hub.connection(source.name) !== source)) {
        this.ctx.log.warn(`The ${source.kind} tools are not offered as "${source.name}": a configured server has that name`);
        void source.dispose();
      }
      this.hubValue = hub;
      this.ctx.log.info(`Servers: ${config.servers.map((server) => server.name).join(', ') || 'none configured'}`);
    }
    this.changed.fire();
    this.reloaded.fire();
  }

  /** Settings first; a server in mcp.json with the same name as one in settings is skipped. */
  private async readConfig(): Promise<LoadedConfig> {
    const settings = vscode.workspace.getConfiguration('codemode');
    const fromSettings = configFromValue(
      {
        'codemode.servers': settings.get<unknown>('servers') ?? {},
        'codemode.openapi': settings.get<unknown>('openapi') ?? {},
        'codemode.commands': settings.get<unknown>('commands') ?? {},
        'codemode.inputs': settings.get<unknown>('inputs') ?? [],
      },
      'settings (codemode.servers)',
    );
    const servers: ServerDefinition[] = [...fromSettings.servers];
    const sources: SourceDefinition[] = [...fromSettings.sources];
    const inputs: InputDefinition[] = [...fromSettings.inputs];
    const issues: ConfigIssue[] = [...fromSettings.issues];
    if (settings.get<boolean>('readMcpJson', true)) {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        const uri = vscode.Uri.joinPath(folder.uri, '.vscode', 'mcp.json');
        let text: string;
        try {
          text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        } catch {
          continue;
        }
        const loaded = parseConfig(text, uri.fsPath);
        issues.push(...loaded.issues);
        // Names are namespaces: one taken by settings (or an earlier folder), of any kind, is skipped.
        const taken = (name: string): boolean => servers.some((known) => known.name === name) || sources.some((known) => known.name === name);
        for (const server of loaded.servers) {
          if (taken(server.name)) {
            issues.push({ severity: 'warning', message: `server "${server.name}" is also defined in settings; the settings win`, location: server.source, server: server.name });
          } else servers.push(server);
        }
        for (const source of loaded.sources) {
          if (taken(source.name)) {
            issues.push({ severity: 'warning', message: `"${source.name}" is also defined in settings; the settings win`, location: source.source, server: source.name });
          } else sources.push(source);
        }
        inputs.push(...loaded.inputs.filter((input) => !inputs.some((known) => known.id === input.id)));
      }
    }
    return { servers, sources, inputs, issues };
  }

  /**
   * Answers `${input:id}` from SecretStorage, or asks once and remembers the answer there. Keys are
   * per workspace, since SecretStorage is shared by every window: another project's
   * `${input:token}` is not this one's.
   */
  private answer(input: InputDefinition, server: string): Promise<string> {
    const workspace = vscode.workspace.workspaceFile?.toString() ?? vscode.workspace.workspaceFolders?.[0]?.uri.toString() ?? 'no-workspace';
    const key = `${SECRET_PREFIX}${workspace}#${input.id}`;
    let pending = this.pendingAnswers.get(key);
    if (!pending) {
      pending = this.prompting.then(() => this.ask(key, input, server)).finally(() => this.pendingAnswers.delete(key));
      this.prompting = pending.catch(() => undefined);
      this.pendingAnswers.set(key, pending);
    }
    return pending;
  }

  private async ask(key: string, input: InputDefinition, server: string): Promise<string> {
    const stored = await this.ctx.extension.secrets.get(key);
    if (stored !== undefined) return stored;
    const prompt = `${input.description} (for the MCP server "${server}")`;
    const answer =
      input.type === 'pickString'
        ? await vscode.window.showQuickPick([...(input.options ?? [])], { title: 'Code Mode', placeHolder: prompt, ignoreFocusOut: true })
        : await vscode.window.showInputBox({ title: 'Code Mode', prompt, password: input.password, value: input.password ? undefined : input.default, ignoreFocusOut: true });
    if (answer === undefined) throw new Error(`input "${input.id}" was not given`);
    await this.ctx.extension.secrets.store(key, answer);
    return answer;
  }
}
