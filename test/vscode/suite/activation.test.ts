import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'codemode.codemode-vscode';

describe('the extension in a real VS Code', () => {
  it('is installed and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('contributes its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['codemode.runFile', 'codemode.runSelection', 'codemode.showRuns', 'codemode.showLogs']) assert.ok(commands.includes(id), id);
  });

  it('runs the open script file and returns its result', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'scripts/sum.ts'));
    await vscode.window.showTextDocument(document);
    const result = (await vscode.commands.executeCommand('codemode.runFile')) as { ok: boolean; result: unknown; logs: { text: string }[] };
    assert.equal(result.ok, true);
    assert.deepEqual(result.result, { total: 10 });
    assert.deepEqual(result.logs.map((log) => log.text), ['adding 4 numbers']);
  });
});
