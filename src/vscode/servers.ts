// The MCP servers of this window: `codemode.servers` from settings and, unless turned off, every
// workspace folder's `.vscode/mcp.json`. Rebuilt when either changes. Nothing a workspace defines
// starts until the workspace is trusted. `${input:…}` answers are asked once and kept in
// SecretStorage. Each server logs to a channel of its own.

import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { configFromValue, parseConfig } from '../core/config/load';
import { formatIssue, type ConfigIssue, type InputDefinition, type LoadedConfig, type ServerDefinition } from '../core/config/types';
import { McpHub } from '../core/mcp/hub';
import { noTools, type ToolProvider } from '../core/provider';
import type { CodeModeContext } from './context';

const SECRET_PREFIX = 'codemode.input.';
const STARTUP_TIMEOUT_MS = 30_000;

export class ServerManager implements vscode.Disposable {
  private hubValue: McpHub | undefined;
  private issuesValue: readonly ConfigIssue[] = [];
  private readonly channels = new Map<string, vscode.LogOutputChannel>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly toolsChanged = new vscode.EventEmitter<string>();
  private readonly reloaded = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private reloading: Promise<void> = Promise.resolve();

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
        if (event.affectsConfiguration('codemode')) void this.reload();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/.vscode/mcp.json');
    this.disposables.push(watcher, watcher.onDidChange(() => void this.reload()), watcher.onDidCreate(() => void this.reload()), watcher.onDidDelete(() => void this.reload()));
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

  /** What runs call tools through: the hub, or nothing while the workspace is not trusted. */
  async provider(): Promise<ToolProvider> {
    await this.reloading;
    return this.hubValue ?? noTools;
  }

  /** Re-reads the configuration and replaces the hub (stopping the old servers). */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.rebuild()).catch((error: unknown) => this.ctx.log.error(`Could not load the servers: ${String(error)}`));
    return this.reloading;
  }

  channel(server: string): vscode.LogOutputChannel {
    let channel = this.channels.get(server);
    if (!channel) {
      channel = vscode.window.createOutputChannel(`Code Mode: ${server}`, { log: true });
      this.channels.set(server, channel);
    }
    return channel;
  }

  async dispose(): Promise<void> {
    for (const disposable of this.disposables) disposable.dispose();
    await this.hubValue?.dispose();
    for (const channel of this.channels.values()) channel.dispose();
  }

  private async rebuild(): Promise<void> {
    const config = await this.readConfig();
    this.issuesValue = config.issues;
    for (const issue of config.issues) this.ctx.log[issue.severity === 'error' ? 'error' : 'warn'](formatIssue(issue));
    const old = this.hubValue;
    this.hubValue = undefined;
    await old?.dispose();
    if (!vscode.workspace.isTrusted) {
      this.ctx.log.info('Restricted Mode: no MCP server starts and no script runs until the workspace is trusted.');
    } else {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      this.hubValue = new McpHub(config.servers, {
        variables: { workspaceFolder: folder, env: process.env, inputs: config.inputs, input: (input, server) => this.answer(input, server) },
        roots: () => (vscode.workspace.workspaceFolders ?? []).map((workspaceFolder) => ({ uri: pathToFileURL(workspaceFolder.uri.fsPath).href, name: workspaceFolder.name })),
        startupTimeoutMs: STARTUP_TIMEOUT_MS,
        clientVersion: String(this.ctx.extension.extension.packageJSON.version ?? 'dev'),
        onLog: (server, level, text) => this.channel(server)[level](text),
        onStateChanged: (server, state) => {
          if (state.kind === 'ready') this.toolsChanged.fire(server);
          this.changed.fire();
        },
        onToolsChanged: (server) => this.toolsChanged.fire(server),
      });
      this.ctx.log.info(`Servers: ${config.servers.map((server) => server.name).join(', ') || 'none configured'}`);
    }
    this.changed.fire();
    this.reloaded.fire();
  }

  /** Settings first; a server in mcp.json with the same name as one in settings is skipped. */
  private async readConfig(): Promise<LoadedConfig> {
    const settings = vscode.workspace.getConfiguration('codemode');
    const fromSettings = configFromValue(
      { 'codemode.servers': settings.get<unknown>('servers') ?? {}, 'codemode.inputs': settings.get<unknown>('inputs') ?? [] },
      'settings (codemode.servers)',
    );
    const servers: ServerDefinition[] = [...fromSettings.servers];
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
        for (const server of loaded.servers) {
          if (servers.some((known) => known.name === server.name)) {
            issues.push({ severity: 'warning', message: `server "${server.name}" is also defined in settings; the settings win`, location: server.source, server: server.name });
          } else servers.push(server);
        }
        inputs.push(...loaded.inputs.filter((input) => !inputs.some((known) => known.id === input.id)));
      }
    }
    return { servers, inputs, issues };
  }

  /** Answers `${input:id}` from SecretStorage, or asks once and remembers the answer there. */
  private async answer(input: InputDefinition, server: string): Promise<string> {
    const key = `${SECRET_PREFIX}${input.id}`;
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
