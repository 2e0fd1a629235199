// The composition root: build the shared context, let each feature register itself.

import * as vscode from 'vscode';
import { formatIssue } from './core/config/types';
import { registerChatParticipant } from './vscode/chatParticipant';
import { registerCommands } from './vscode/commands';
import { CodeModeContext } from './vscode/context';
import { registerLanguageModelTools } from './vscode/lmTools';
import { RunCodeLensProvider } from './vscode/serverCommands';
import { registerStatusBar } from './vscode/statusBar';

/** What the extension offers other extensions (and its tests): a read-only view of its servers. */
export interface CodeModeApi {
  serverStatus(): { name: string; namespace: string; state: string; tools: number }[];
  configIssues(): string[];
}

let current: CodeModeContext | undefined;

export function activate(extension: vscode.ExtensionContext): CodeModeApi {
  const ctx = new CodeModeContext(extension);
  current = ctx;
  extension.subscriptions.push(ctx);
  registerCommands(ctx);
  registerLanguageModelTools(ctx);
  registerChatParticipant(ctx);
  registerStatusBar(ctx);
  ctx.register(vscode.languages.registerCodeLensProvider([{ language: 'typescript' }, { language: 'javascript' }], new RunCodeLensProvider()));
  // Reading the configuration starts the servers and writes their declarations (onDidReload).
  void ctx.servers.reload();
  ctx.log.info('Code Mode activated');
  return {
    serverStatus: () => (ctx.servers.hub?.status() ?? []).map((server) => ({ name: server.name, namespace: server.namespace, state: server.state.kind, tools: server.tools.length })),
    configIssues: () => ctx.servers.issues.map(formatIssue),
  };
}

/** Stops the MCP servers (and their processes) before the extension host goes away. */
export async function deactivate(): Promise<void> {
  await current?.servers.dispose();
  current = undefined;
}
