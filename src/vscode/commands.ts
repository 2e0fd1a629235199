// Every command the extension contributes, in one table. package.json's `contributes.commands`
// lists the same ids; a test checks the two agree.

import * as vscode from 'vscode';
import type { CodeModeContext } from './context';
import { runActiveFile, runSelection, stopRun } from './runCommands';
import { showRunPanel } from './runPanel';
import { generateScript } from './generateScript';
import { newScript, openScript, regenerateTypes, restartServer, showServers } from './serverCommands';

type Command = (ctx: CodeModeContext) => (...args: unknown[]) => unknown;

export const COMMANDS: Readonly<Record<string, Command>> = {
  'codemode.runFile': (ctx) => (uri: unknown) => runActiveFile(ctx, uri instanceof vscode.Uri ? uri : undefined),
  'codemode.runSelection': (ctx) => () => runSelection(ctx),
  'codemode.showRuns': (ctx) => () => showRunPanel(ctx),
  'codemode.stopRun': (ctx) => (runId: unknown) => stopRun(ctx, typeof runId === 'string' ? runId : undefined),
  'codemode.showLogs': (ctx) => () => ctx.log.show(),
  'codemode.showServers': (ctx) => () => showServers(ctx),
  'codemode.restartServer': (ctx) => (name: unknown) => restartServer(ctx, typeof name === 'string' ? name : undefined),
  'codemode.regenerateTypes': (ctx) => () => regenerateTypes(ctx),
  'codemode.newScript': (ctx) => () => newScript(ctx),
  'codemode.generateScript': (ctx) => (task: unknown) => generateScript(ctx, typeof task === 'string' ? task : undefined),
  'codemode.openScript': () => (code: unknown) => openScript(code),
};

export function registerCommands(ctx: CodeModeContext): void {
  for (const [id, command] of Object.entries(COMMANDS)) {
    ctx.register(vscode.commands.registerCommand(id, command(ctx)));
  }
}
