// Running scripts from the editor: the active file, or the selection. Runs show cancellable
// progress, stream into the log and the run panel, and end with a short notification.

import * as vscode from 'vscode';
import { describeCall, formatError, formatValue, summarizeRun } from '../core/run/format';
import type { RunResult } from '../core/run/trace';
import type { CodeModeContext } from './context';

async function runScript(ctx: CodeModeContext, code: string, fileName: string, fileUri?: vscode.Uri): Promise<RunResult | undefined> {
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
      return ctx.runs
        .run({
          code,
          fileName,
          fileUri,
          source: 'editor',
          origin: 'person',
          label: fileName,
          signal: abort.signal,
          onEvent: (event) => {
            if (event.type === 'log') ctx.log[event.level === 'log' ? 'info' : event.level](`[script] ${event.text}`);
          },
        })
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
  return runScript(ctx, document.getText(), document.uri.path.split('/').pop() ?? 'script.ts', document.isUntitled ? undefined : document.uri);
}

/** Stops a run: the one given, the only one running, or one picked from those running. */
export async function stopRun(ctx: CodeModeContext, runId: string | undefined): Promise<void> {
  const stoppable = new Set(ctx.runs.runningIds());
  const running = ctx.runs.summaries().filter((run) => stoppable.has(run.runId));
  if (runId === undefined && running.length === 0) {
    void vscode.window.showInformationMessage('Code Mode: no script is running.');
    return;
  }
  const chosen =
    runId ??
    (running.length === 1
      ? running[0]!.runId
      : (await vscode.window.showQuickPick(running.map((run) => ({ label: run.title, description: `${run.source} · ${run.calls} calls so far`, runId: run.runId })), { placeHolder: 'Stop which run?' }))?.runId);
  if (chosen) ctx.runs.stop(chosen);
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
