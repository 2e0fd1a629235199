// VS Code's own language-model tools as the `vscode` namespace (codemode.vscodeTools.*), over the
// tools the test extension (test/vscode/lm-extension) registers: test_lookup answers JSON,
// test_fail throws, test_wait waits until cancelled.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, eventually, exists, workspaceUri } from './helpers';

interface ScriptResult {
  readonly ok: boolean;
  readonly result: unknown;
  readonly error?: { readonly message: string };
}

const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('codemode');

async function runScript(name: string, code: string): Promise<ScriptResult> {
  const uri = workspaceUri('codemode', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(code));
  return (await vscode.commands.executeCommand('codemode.runFile', uri)) as ScriptResult;
}

async function declarations(): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('.codemode/vscode.d.ts')));
}

async function vscodeSource(): Promise<{ state: string; tools: number } | undefined> {
  return (await api()).serverStatus().find((server) => server.name === 'vscode');
}

describe("VS Code's own language-model tools as the vscode namespace", () => {
  before(async () => {
    assert.equal(await vscodeSource(), undefined, 'off by default');
    await settings().update('vscodeTools.enabled', true, vscode.ConfigurationTarget.Workspace);
    await eventually('the vscode namespace', async () => {
      const source = await vscodeSource();
      return source?.state === 'ready' && source.tools > 0 ? source : undefined;
    });
  });

  after(async () => {
    await settings().update('vscodeTools.include', undefined, vscode.ConfigurationTarget.Workspace);
    await settings().update('vscodeTools.enabled', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('lists the tools with declarations like a server, without Code Mode\'s own tools', async () => {
    const codemode = await api();
    const source = codemode.serverStatus().find((server) => server.name === 'vscode');
    assert.deepEqual([source?.namespace, source?.state], ['vscode', 'ready']);
    const text = await eventually('vscode.d.ts', async () => ((await exists(workspaceUri('.codemode/vscode.d.ts'))) ? declarations() : undefined));
    assert.match(text, /declare namespace vscode \{/);
    assert.match(text, /Test only: looks a key up and answers with JSON about the call\./);
    assert.match(text, /function testLookup\(args: vscode\.TestLookupInput\): Promise<UntypedToolResult>;/);
    assert.match(text, /interface TestLookupInput \{[^}]*\bkey: string\b/);
    assert.match(text, /function testFail\(/);
    assert.doesNotMatch(text, /codemode_run|codemode_search|codemodeRun|codemodeSearch/);
  });

  it('a script calls a tool through VS Code and gets its JSON; a failing tool throws a ToolError naming it', async () => {
    const result = await runScript(
      'vscode-tools.ts',
      [
        "const found = await vscode.testLookup({ key: 'abc', count: 2 });",
        'let failure;',
        "try { await vscode.testFail({ reason: 'on purpose' }); } catch (error) { failure = { name: error.name, message: error.message, server: error.server, tool: error.tool }; }",
        'return { found, failure, functions: Object.keys(vscode) };',
      ].join('\n'),
    );
    assert.equal(result.ok, true, result.error?.message);
    const { found, failure, functions } = result.result as { found: unknown; failure: { name: string; message: string; server: string; tool: string }; functions: string[] };
    assert.deepEqual(found, { key: 'abc', length: 3, count: 2, inChat: false });
    assert.deepEqual([failure.name, failure.server, failure.tool], ['ToolError', 'vscode', 'test_fail']);
    assert.match(failure.message, /^Tool "test_fail" on server "vscode" failed: .*test_fail was asked to fail: on purpose/);
    assert.ok(functions.includes('testLookup') && functions.includes('testFail'), functions.join(', '));
    assert.ok(!functions.includes('codemodeRun') && !functions.includes('codemodeSearch'), functions.join(', '));
    // VS Code's tools for the workspace's MCP servers (tag "mcp") are left out by default: the fixture is fixture.echo already.
    assert.ok(!functions.some((name) => name.startsWith('mcp')), functions.join(', '));
  });

  it('stopping the run cancels the tool\'s invocation', async () => {
    const codemode = await api();
    const uri = workspaceUri('codemode', 'vscode-wait.ts');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('await vscode.testWait({});\nreturn "not reached";\n'));
    const run = vscode.commands.executeCommand('codemode.runFile', uri) as Thenable<ScriptResult & { error: { name: string } | null }>;
    const live = await eventually('the waiting run', () => codemode.runs().find((entry) => entry.status === 'running' && entry.title === 'vscode-wait.ts' && entry.calls > 0));
    const before = await vscode.commands.executeCommand<number>('codemodeTest.cancelledWaits');
    await vscode.commands.executeCommand('codemode.stopRun', live.runId);
    const result = await run;
    assert.deepEqual([result.ok, result.error?.name], [false, 'CancelledError']);
    await eventually('the invocation to be cancelled', async () => ((await vscode.commands.executeCommand<number>('codemodeTest.cancelledWaits')) === before + 1 ? true : undefined));
  });

  it('a script @codemode runs passes the chat request on, so the tool runs as part of that chat', async () => {
    await eventually('the test model', async () => ((await vscode.lm.selectChatModels({ vendor: 'codemode-test' })).length > 0 ? true : undefined));
    const approvals = settings().get<Record<string, string>>('approvals') ?? {};
    // A model's script asks before calling a tool not marked read-only; here VS Code's tools may be called.
    await settings().update('approvals', { ...approvals, vscode: 'allow' }, vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('codemodeTest.setAnswers', ["```ts\nreturn await vscode.testLookup({ key: 'chat' });\n```", 'Looked it up.']);
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@codemode look up chat with the test lookup tool', mode: 'ask', modelSelector: { vendor: 'codemode-test' } });
      const seen = await eventually('two model requests', async () => {
        const list = (await vscode.commands.executeCommand<string[]>('codemodeTest.prompts')) ?? [];
        return list.length >= 2 ? list : undefined;
      });
      assert.match(seen[0]!, /declare namespace vscode \{/, 'the declarations are in the prompt');
      assert.match(seen[1]!, /"inChat": true/, 'the tool got the chat request\'s invocation token');
    } finally {
      await settings().update('approvals', approvals, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('codemode.vscodeTools.include narrows the namespace by tool name or tag', async () => {
    await settings().update('vscodeTools.include', ['codemode-test'], vscode.ConfigurationTarget.Workspace);
    await eventually('the three test tools', async () => ((await vscodeSource())?.tools === 3 ? true : undefined));
    const text = await eventually('the narrowed declarations', async () => {
      const current = await declarations();
      return /function testLookup\(/.test(current) && current.match(/^\s*function /gm)?.length === 3 ? current : undefined;
    });
    assert.match(text, /function testFail\(/);
  });

  it('turned off, the namespace and its declarations are gone', async () => {
    await settings().update('vscodeTools.enabled', false, vscode.ConfigurationTarget.Workspace);
    await eventually('no vscode namespace', async () => ((await vscodeSource()) === undefined ? true : undefined));
    await eventually('vscode.d.ts removed', async () => ((await exists(workspaceUri('.codemode/vscode.d.ts'))) ? undefined : true));
    const result = await runScript('vscode-tools-off.ts', 'return typeof vscode;');
    assert.deepEqual([result.ok, result.result], [true, 'undefined']);
  });
});
