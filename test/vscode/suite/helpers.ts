import * as vscode from 'vscode';

export const EXTENSION_ID = 'codemode.codemode-vscode';

export interface CodeModeApi {
  serverStatus(): { name: string; namespace: string; state: string; tools: number }[];
  configIssues(): string[];
  runPanel(): { open: boolean; visible: boolean; appliedEvents: number; appliedRuns: number; bufferedEvents: number };
  runs(): { runId: string; source: string; title: string; status: 'running' | 'ok' | 'failed'; calls: number; tokens?: { codeMode: number; direct: number } }[];
}

export async function api(): Promise<CodeModeApi> {
  const extension = vscode.extensions.getExtension<CodeModeApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

export function workspaceUri(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...parts);
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function invokeTool(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The chat view's conversation as text, as its Copy All action gives it (the launcher allows clipboard access). */
export async function chatTranscript(): Promise<string> {
  await vscode.commands.executeCommand('workbench.action.chat.copyAll');
  return vscode.env.clipboard.readText();
}
