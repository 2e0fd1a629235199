// The composition root: build the shared context, let each feature register itself.

import * as vscode from 'vscode';
import { formatIssue } from './core/config/types';
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

export function activate(extension: vscode.ExtensionContext): CodeModeApi {
  const ctx = new CodeModeContext(extension);
  extension.subscriptions.push(ctx);
  registerCommands(ctx);
  registerLanguageModelTools(ctx);
  registerStatusBar(ctx);
  ctx.register(vscode.languages.registerCodeLensProvider([{ language: 'typescript' }, { language: 'javascript' }], new RunCodeLensProvider()));
  void ctx.servers.reload().then(() => ctx.declarations.write());
  ctx.log.info('Code Mode activated');
  return {
    serverStatus: () => (ctx.servers.hub?.status() ?? []).map((server) => ({ name: server.name, namespace: server.namespace, state: server.state.kind, tools: server.tools.length })),
    configIssues: () => ctx.servers.issues.map(formatIssue),
  };
}

export function deactivate(): void {
  // Everything is disposed through the extension's subscriptions.
}
