// Commands about servers and scripts: the server list (from the status bar), restart, regenerate
// the declarations, and a new script typed against them.

import * as vscode from 'vscode';
import type { ServerStatus } from '../core/mcp/hub';
import type { CodeModeContext } from './context';
import { scriptsFolder } from './declarations';

function describeState(server: ServerStatus): string {
  switch (server.state.kind) {
    case 'ready':
      return `ready over ${server.state.transport}, ${server.tools.length} tools`;
    case 'failed':
      return `failed: ${server.state.error}`;
    default:
      return server.state.kind;
  }
}

async function pickServer(ctx: CodeModeContext, placeHolder: string): Promise<ServerStatus | undefined> {
  const hub = await ctx.servers.current();
  const status = hub?.status() ?? [];
  if (status.length === 0) {
    void vscode.window.showInformationMessage(vscode.workspace.isTrusted ? 'Code Mode: no MCP servers are configured.' : 'Code Mode: no server starts in Restricted Mode. Trust the workspace first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    status.map((server) => ({ label: `$(${server.state.kind === 'ready' ? 'pass' : server.state.kind === 'failed' ? 'error' : 'circle-outline'}) ${server.name}`, description: server.namespace, detail: describeState(server), server })),
    { placeHolder },
  );
  return picked?.server;
}

export async function restartServer(ctx: CodeModeContext, name?: string): Promise<void> {
  const server = name ?? (await pickServer(ctx, 'Restart which server?'))?.name;
  const connection = server ? (await ctx.servers.current())?.connection(server) : undefined;
  if (!connection) return;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Code Mode: restarting ${server}`, cancellable: true }, async (_progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    await connection.restart(abort.signal).catch((error: unknown) => void vscode.window.showErrorMessage(`Code Mode: ${String((error as Error).message ?? error)}`));
  });
}

export async function showServers(ctx: CodeModeContext): Promise<void> {
  const server = await pickServer(ctx, 'Code Mode servers: pick one for its actions');
  if (!server) return;
  const action = await vscode.window.showQuickPick(['Restart', 'Show Logs', 'Open Configuration'], { placeHolder: `${server.name}: ${describeState(server)}` });
  if (action === 'Restart') await restartServer(ctx, server.name);
  else if (action === 'Show Logs') ctx.servers.channel(server.name).show();
  else if (action === 'Open Configuration') {
    const hub = await ctx.servers.current();
    const file = hub?.connection(server.name)?.origin?.file;
    if (file && file.startsWith('/')) await vscode.window.showTextDocument(vscode.Uri.file(file));
    else await vscode.commands.executeCommand('workbench.action.openSettings', 'codemode.servers');
  }
}

export async function regenerateTypes(ctx: CodeModeContext): Promise<void> {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Code Mode: writing declarations', cancellable: true }, (_progress, token) => ctx.declarations.write(token));
}

export async function newScript(ctx: CodeModeContext): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('Code Mode: open a folder to create scripts in it.');
    return undefined;
  }
  const name = await vscode.window.showInputBox({ title: 'New Code Mode script', prompt: 'File name', value: 'script.ts', validateInput: (value) => (/^[\w.-]+\.(ts|js)$/.test(value) ? undefined : 'A file name ending in .ts or .js') });
  if (!name) return undefined;
  await ctx.declarations.write();
  const hub = await ctx.servers.current();
  const example = hub?.status().find((server) => server.tools.length > 0);
  const tool = example?.tools[0];
  const hint = example && tool ? `  // For example: const result = await ${example.namespace}.${tool.name.replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase())}({ /* ... */ });\n` : '  // The configured MCP servers are namespaces here; type a name and a dot to see their tools.\n';
  const uri = vscode.Uri.joinPath(scriptsFolder(folder), name);
  const template = `// A Code Mode script: each MCP server is a namespace of async functions (see the declarations\n// in .codemode). Run it with "Code Mode: Run File". Only what it logs or returns leaves the sandbox.\nasync () => {\n${hint}  return 'done';\n};\n`;
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(template));
  }
  await vscode.window.showTextDocument(uri);
  return uri;
}

/** A "Run" lens on the first line of scripts in the scripts folder. */
export class RunCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder || !document.uri.path.startsWith(`${scriptsFolder(folder).path}/`) || !/\.(ts|js)$/.test(document.uri.path)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(play) Run script', command: 'codemode.runFile', arguments: [document.uri] })];
  }
}

/** Opens a script (from chat, say) in an untitled TypeScript editor. */
export async function openScript(code: unknown): Promise<void> {
  if (typeof code !== 'string') return;
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'typescript', content: code }));
}
