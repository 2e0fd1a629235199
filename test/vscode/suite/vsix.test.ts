import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, invokeTool } from './helpers';

describe('the packaged .vsix', () => {
  it('is installed from the package, not the development folder, and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'installed');
    assert.match(extension.extensionPath, /extensions[\\/]codemode\.codemode-vscode-/);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('runs a TypeScript script against a server (esbuild and the QuickJS worker ship in it)', async () => {
    const text = await invokeTool('codemode_run', { code: 'const n: number = (await fixture.echo({ value: 20 })).value;\nreturn n + 22;' });
    assert.match(text, /^Result:\n42\n/);
  });
});
