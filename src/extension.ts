// The composition root: build the shared context, let each feature register itself.

import type * as vscode from 'vscode';
import { registerCommands } from './vscode/commands';
import { CodeModeContext } from './vscode/context';

export function activate(extension: vscode.ExtensionContext): void {
  const ctx = new CodeModeContext(extension);
  extension.subscriptions.push(ctx);
  registerCommands(ctx);
  ctx.log.info('Code Mode activated');
}

export function deactivate(): void {
  // Everything is disposed through the extension's subscriptions.
}
