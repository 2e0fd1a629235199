import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { api, exists, invokeTool, workspaceUri } from './helpers';

/** MCP fixture servers started for this test run (they inherit the launcher's marker variable). */
function fixtureProcesses(): string[] {
  const marker = `CODEMODE_LAUNCHER_RUN=${process.env.CODEMODE_LAUNCHER_RUN ?? ''}`;
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      const ours = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
      if (ours && command.includes('mcp-fixture-server')) found.push(command);
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

describe('Restricted Mode', () => {
  it('the workspace is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('starts no server and runs no script, and says why', async () => {
    assert.ok(process.env.CODEMODE_LAUNCHER_RUN, 'the launcher marks the processes of this run');
    const codemode = await api();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.deepEqual(codemode.serverStatus(), []);
    assert.deepEqual(fixtureProcesses(), []);
    const text = await invokeTool('codemode_run', { code: 'return 1' });
    assert.match(text, /does not run scripts in an untrusted workspace \(Restricted Mode\)/);
    const search = await invokeTool('codemode_search', { query: 'echo' });
    assert.match(search, /Restricted Mode/);
    assert.equal(await exists(workspaceUri('.codemode')), false, 'no declarations were written');
  });
});
