import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, eventually, exists, invokeTool, workspaceUri } from './helpers';

describe('MCP servers from settings and .vscode/mcp.json', () => {
  it('connects the servers of both sources, and reports the broken ones', async () => {
    const codemode = await api();
    const status = await eventually('the servers to start', () => {
      const servers = codemode.serverStatus();
      return servers.length === 3 && servers.every((server) => server.state === 'ready' || server.state === 'failed') ? servers : undefined;
    });
    const byName = Object.fromEntries(status.map((server) => [server.name, server.state]));
    assert.deepEqual(byName, { 'from-settings': 'ready', fixture: 'ready', 'fails-to-start': 'failed' });
    assert.ok(codemode.configIssues().some((issue) => /mcp\.json:\d+:\d+: error: servers\.no-url: server "no-url" of type "http" has no "url"/.test(issue)), codemode.configIssues().join('\n'));
  });

  it('codemode_run runs a script over both servers and returns compact text', async () => {
    const text = await invokeTool('codemode_run', {
      code: 'const a = await fixture.echo({ value: 1 });\nconst b = await fromSettings.echo({ value: 2 });\nconsole.log("both answered");\nreturn a.value + b.value;',
    });
    assert.match(text, /^Result:\n3\n/);
    assert.match(text, /Logs:\nboth answered/);
    assert.match(text, /Tool calls \(2\):\n- fixture\.echo ok \d+ ms\n- from-settings\.echo ok \d+ ms/);
  });

  it('codemode_run reports a failure with its line and the calls that completed', async () => {
    const text = await invokeTool('codemode_run', { code: 'await fixture.echo({ value: 1 });\nawait failsToStart.anything({});' });
    assert.match(text, /^The script failed at line 2, column \d+: ToolError: Server "fails-to-start" is unavailable/);
    assert.match(text, /Tool calls completed before the failure: fixture\.echo \(ok\)/);
  });

  it('a call the approval rules deny fails inside the script, which can react', async () => {
    const text = await invokeTool('codemode_run', { code: 'try { await fromSettings.fail({ message: "x" }) } catch (e) { return e.message }' });
    assert.match(text, /^Result:\n"Tool \\"fail\\" on server \\"from-settings\\" failed: denied: the rule for from-settings\/fail is to deny it"/);
  });

  it('codemode_search returns the declarations of matching tools, and the index for an empty query', async () => {
    const found = await invokeTool('codemode_search', { query: 'echo arguments' });
    assert.match(found, /declare namespace fixture \{/);
    assert.match(found, /function echo\(args\?: fixture\.EchoInput\): Promise<fixture\.EchoOutput>;/);
    const index = await invokeTool('codemode_search', { query: '' });
    assert.match(index, /fixture \(server "fixture", ready\): echo, slow, fail/);
    assert.match(index, /Server "fails-to-start" is unavailable/);
  });

  it('writes declarations into the workspace, and script files get completions for the tools', async () => {
    await eventually('the declarations', async () => (await exists(workspaceUri('.codemode/index.d.ts'))) && (await exists(workspaceUri('.codemode/fixture.d.ts'))) && (await exists(workspaceUri('codemode/tsconfig.json'))));
    const script = workspaceUri('codemode/completions.ts');
    await vscode.workspace.fs.writeFile(script, new TextEncoder().encode('async () => {\n  await fixture.\n};\n'));
    const document = await vscode.workspace.openTextDocument(script);
    await vscode.window.showTextDocument(document);
    const labels = await eventually(
      'completions from the declarations',
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', script, new vscode.Position(1, 16));
        const names = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
        return names.includes('echo') ? names : undefined;
      },
      90_000,
    );
    assert.ok(labels.includes('slow') && labels.includes('addTool'), labels.join(', '));
  });

  it('never overwrites a declaration file it did not write', async () => {
    const foreign = workspaceUri('.codemode/fromSettings.d.ts');
    await vscode.workspace.fs.writeFile(foreign, new TextEncoder().encode('// mine\n'));
    await vscode.commands.executeCommand('codemode.regenerateTypes');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(foreign)), '// mine\n');
  });
});

describe('keeping in step', () => {
  it('a server added to the settings starts without a reload and gets declarations', async () => {
    const codemode = await api();
    const settings = vscode.workspace.getConfiguration('codemode');
    const servers = settings.get<Record<string, unknown>>('servers') ?? {};
    const fixture = (servers['from-settings'] as { args: string[] }).args[0];
    await settings.update('servers', { ...servers, 'added-later': { command: 'node', args: [fixture, 'basic'] } }, vscode.ConfigurationTarget.Workspace);
    await eventually('the new server', () => codemode.serverStatus().find((server) => server.name === 'added-later' && server.state === 'ready'));
    await eventually('its declarations', () => exists(workspaceUri('.codemode/addedLater.d.ts')));
    const text = await invokeTool('codemode_run', { code: 'return (await addedLater.echo({ value: "new" })).value' });
    assert.match(text, /^Result:\n"new"/);
  });

  it('a tool list that changes (notifications/tools/list_changed) updates the declarations', async () => {
    await invokeTool('codemode_run', { code: 'await fixture.addTool({ name: "late-tool" })' });
    const declarations = await eventually('the new tool in the declarations', async () => {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('.codemode/fixture.d.ts')));
      return text.includes('function lateTool(') ? text : undefined;
    });
    assert.match(declarations, /@see MCP tool "late-tool" on server "fixture"/);
  });

  it('scripts in the scripts folder get a Run lens', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', workspaceUri('codemode/completions.ts'));
    assert.ok(lenses.some((lens) => lens.command?.command === 'codemode.runFile' && /Run script/.test(lens.command.title)), JSON.stringify(lenses.map((lens) => lens.command?.title)));
  });
});
