// The composition root: build the shared context, let each feature register itself.

import * as vscode from 'vscode';
import { formatIssue } from './core/config/types';
import { registerChatParticipant } from './vscode/chatParticipant';
import { registerCommands } from './vscode/commands';
import { CodeModeContext } from './vscode/context';
import { registerLanguageModelTools } from './vscode/lmTools';
import type { RunSummary } from './vscode/runHistory';
import { registerRunPanel, runPanelState, type RunPanelState } from './vscode/runPanel';
import { RunCodeLensProvider } from './vscode/serverCommands';
import { registerStatusBar } from './vscode/statusBar';
import { registerVscodeTools } from './vscode/vscodeTools';

/** What the extension offers other extensions (and its tests): a read-only view of its state. */
export interface CodeModeApi {
  serverStatus(): { name: string; namespace: string; state: string; tools: number }[];
  configIssues(): string[];
  /** The run panel, as its page last reported it. */
  runPanel(): RunPanelState;
  /** The recorded runs, oldest first, with their token totals once counted. */
  runs(): RunSummary[];
}

let current: CodeModeContext | undefined;

export function activate(extension: vscode.ExtensionContext): CodeModeApi {
  const ctx = new CodeModeContext(extension);
  current = ctx;
  extension.subscriptions.push(ctx);
  registerCommands(ctx);
  registerLanguageModelTools(ctx);
  registerVscodeTools(ctx);
  registerChatParticipant(ctx);
  registerStatusBar(ctx);
  registerRunPanel(ctx);
  ctx.register(vscode.languages.registerCodeLensProvider([{ language: 'typescript' }, { language: 'javascript' }], new RunCodeLensProvider()));
  // Reading the configuration starts the servers and writes their declarations (onDidReload).
  void ctx.servers.reload();
  ctx.log.info('Code Mode activated');
  return {
    serverStatus: () => (ctx.servers.hub?.status() ?? []).map((server) => ({ name: server.name, namespace: server.namespace, state: server.state.kind, tools: server.tools.length })),
    configIssues: () => ctx.servers.issues.map(formatIssue),
    runPanel: () => runPanelState(ctx),
    runs: () => ctx.runs.summaries(),
  };
}

/** Stops the MCP servers (and their processes) before the extension host goes away. */
export async function deactivate(): Promise<void> {
  await current?.runs.flush();
  await current?.servers.dispose();
  current = undefined;
}
