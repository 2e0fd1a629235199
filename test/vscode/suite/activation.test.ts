import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, workspaceUri } from './helpers';

describe('the extension in a real VS Code', () => {
  it('is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('contributes its commands and language-model tools', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['codemode.runFile', 'codemode.runSelection', 'codemode.newScript', 'codemode.regenerateTypes', 'codemode.showServers', 'codemode.restartServer', 'codemode.showRuns', 'codemode.showLogs']) {
      assert.ok(commands.includes(id), id);
    }
    const tools = vscode.lm.tools.map((tool) => tool.name);
    assert.ok(tools.includes('codemode_run') && tools.includes('codemode_search'), tools.join(', '));
  });

  it('runs the open script file and returns its result', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceUri('scripts/sum.ts')));
    const result = (await vscode.commands.executeCommand('codemode.runFile')) as { ok: boolean; result: unknown; logs: { text: string }[] };
    assert.equal(result.ok, true);
    assert.deepEqual(result.result, { total: 10 });
    assert.deepEqual(result.logs.map((log) => log.text), ['adding 4 numbers']);
  });

  it('runs the selection', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'const ignored = 1;\nreturn 6 * 7;\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 0, 1, 13);
    const result = (await vscode.commands.executeCommand('codemode.runSelection')) as { ok: boolean; result: unknown };
    assert.deepEqual([result.ok, result.result], [true, 42]);
  });
});
