// Running scripts from the editor: the active file, or the selection. Runs show cancellable
// progress, stream into the log and the run panel, and end with a short notification.

import * as vscode from 'vscode';
import { describeCall, formatError, formatValue, summarizeRun } from '../core/run/format';
import type { RunResult } from '../core/run/trace';
import { approvedProvider } from './approvals';
import type { CodeModeContext } from './context';
import { recordRunEvent } from './runPanel';

async function runScript(ctx: CodeModeContext, code: string, fileName: string): Promise<RunResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Code Mode runs scripts only in a trusted workspace. Trust this workspace to run it.');
    return undefined;
  }
  ctx.log.info(`Running ${fileName}`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Code Mode: running ${fileName}`, cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      const subscription = token.onCancellationRequested(() => abort.abort());
      return ctx.servers
        .withProvider((provider) => ctx.runner.run({
          code,
          fileName,
          provider: approvedProvider(provider, 'person', fileName),
          source: 'editor',
          signal: abort.signal,
          onEvent: (event) => {
            recordRunEvent(ctx, event);
            if (event.type === 'log') ctx.log[event.level === 'log' ? 'info' : event.level](`[script] ${event.text}`);
          },
        }))
        .finally(() => subscription.dispose());
    },
  );
  for (const call of result.calls) ctx.log.info(`  ${describeCall(call)}`);
  if (result.ok) {
    ctx.log.info(`${summarizeRun(result)}\n${result.result === undefined ? '(no result)' : formatValue(result.result)}`);
    void vscode.window.showInformationMessage(`Code Mode: ${fileName} ${summarizeRun(result)}`, 'Show Run').then((choice) => {
      if (choice) void vscode.commands.executeCommand('codemode.showRuns');
    });
  } else if (result.error) {
    ctx.log.error(formatError(result.error, code, fileName));
    const where = result.error.line !== undefined ? ` (line ${result.error.line})` : '';
    void vscode.window.showErrorMessage(`Code Mode: ${result.error.name}${where}: ${result.error.message.split('\n')[0]}`, 'Show Logs').then((choice) => {
      if (choice) ctx.log.show(true);
    });
  }
  return result;
}

export async function runActiveFile(ctx: CodeModeContext, uri: vscode.Uri | undefined): Promise<RunResult | undefined> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showWarningMessage('Code Mode: open a script to run it.');
    return undefined;
  }
  return runScript(ctx, document.getText(), document.uri.path.split('/').pop() ?? 'script.ts');
}

export async function runSelection(ctx: CodeModeContext): Promise<RunResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  const text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  if (!editor || !text) {
    void vscode.window.showWarningMessage('Code Mode: select the code to run.');
    return undefined;
  }
  const language = editor.document.languageId === 'javascript' ? 'selection.js' : 'selection.ts';
  return runScript(ctx, text, language);
}
