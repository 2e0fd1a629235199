import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { api, chatTranscript, EXTENSION_ID, eventually, exists, invokeTool, workspaceUri } from './helpers';
import { codeModeFolders, descendants, processKey, StartProbe, threadNames, type ProcessInfo } from './processes';

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

/**
 * Processes that VS Code itself starts in this extension host, in Restricted Mode too; anything
 * else the host starts counts as Code Mode's. Each is matched by its command line, and so is
 * everything below it (a process whose parent is VS Code's is VS Code's).
 */
const VSCODE_OWN: readonly { readonly why: string; readonly command: RegExp }[] = [
  // The built-in JSON extension's language server, forked at startup for .vscode/*.json.
  { why: 'the JSON language server', command: /\/extensions\/json-language-features\/server\/dist\/node\/jsonServerMain\b/ },
  // The built-in TypeScript extension's tsserver and typings installer, from VS Code's own copy of
  // TypeScript, for open .ts files. Seen in trusted windows of this host; Restricted Mode may start them too.
  { why: 'the TypeScript server', command: /\/extensions\/node_modules\/typescript\/lib\/(tsserver|typingsInstaller)\.js\b/ },
  // The extension host's scan for ports to forward (ExtHostTunnelService.findCandidatePorts in a
  // remote host): every few seconds it runs these two shell pipelines, which come and go (the
  // commands of a pipeline are the shell's children, so they count as its).
  { why: 'the port-forwarding scan', command: /^\/bin\/sh -c (ls -l \/proc\/\[0-9\]\*\/fd\/\[0-9\]\* \| grep socket:|ps -F -A -l \| grep root)$/ },
];

/** Why a process is VS Code's own (it or an ancestor matches VSCODE_OWN), or undefined. */
function vscodeOwn(info: ProcessInfo, snapshot: readonly ProcessInfo[]): string | undefined {
  for (let current: ProcessInfo | undefined = info; current; current = snapshot.find((candidate) => candidate.pid === current!.ppid)) {
    const known = VSCODE_OWN.find((entry) => entry.command.test(current!.command));
    if (known) return known.why;
  }
  return undefined;
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

  // Every command Code Mode contributes, its LM tools and its chat participant, used as a person or
  // a model would; then a few seconds' wait for anything started in the background. Counted two
  // ways: new descendant processes of this extension host, and calls (from Code Mode's files) that
  // start a process or a worker thread (the sandbox pool is one; no script runs, so none may start).
  it('starts no process and no worker thread, whatever is invoked: 0 new processes, 0 start calls', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const { ours, tests } = codeModeFolders(extension.extensionPath);
    const probe = new StartProbe();
    try {
      // The probe sees a start from a bundle of this folder, and tells the tests' own from the extension's.
      childProcess.execFileSync('true');
      assert.equal(probe.callsFrom([tests]).length, 1, 'the probe saw the test start a process');
      assert.equal(probe.callsFrom(ours, [tests]).length, 0);

      await api();
      const before = descendants(process.pid);
      const workersBefore = threadNames().filter((name) => name === 'WorkerThread').length;
      // Activation (before the probe could watch) started nothing either: no process but VS Code's,
      // and no worker thread at all (VS Code starts none in this host).
      assert.deepEqual(before.filter((info) => !vscodeOwn(info, before)).map((info) => info.command), [], 'processes the extension host had started before the commands ran');
      assert.equal(workersBefore, 0, 'worker threads in the extension host after activation');

      const commands = ((extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands).map((entry) => entry.command);
      const sum = workspaceUri('scripts/sum.ts');
      const invocations: Readonly<Record<string, () => Promise<void>>> = {
        'codemode.runFile': async () => {
          assert.equal(await vscode.commands.executeCommand('codemode.runFile', sum), undefined);
          await vscode.window.showTextDocument(sum);
          assert.equal(await vscode.commands.executeCommand('codemode.runFile'), undefined);
        },
        'codemode.runSelection': async () => {
          const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'typescript', content: 'return 6 * 7;\n' }));
          editor.selection = new vscode.Selection(0, 0, 0, 13);
          assert.equal(await vscode.commands.executeCommand('codemode.runSelection'), undefined);
        },
        // The launcher answers its input box (CODEMODE_ANSWER_INPUT_BOXES): the command runs to the end.
        'codemode.newScript': async () => {
          await vscode.commands.executeCommand('codemode.newScript');
          assert.ok(await exists(workspaceUri('codemode/restricted-probe.ts')), 'the new script was written');
        },
        'codemode.generateScript': async () => {
          assert.equal(await vscode.commands.executeCommand('codemode.generateScript', 'list the tools'), undefined);
          assert.equal(await vscode.commands.executeCommand('codemode.generateScript'), undefined);
        },
        'codemode.regenerateTypes': async () => {
          await vscode.commands.executeCommand('codemode.regenerateTypes');
        },
        'codemode.showServers': async () => {
          await vscode.commands.executeCommand('codemode.showServers');
        },
        'codemode.restartServer': async () => {
          await vscode.commands.executeCommand('codemode.restartServer', 'fixture');
          await vscode.commands.executeCommand('codemode.restartServer');
        },
        'codemode.showRuns': async () => {
          await vscode.commands.executeCommand('codemode.showRuns');
        },
        'codemode.stopRun': async () => {
          await vscode.commands.executeCommand('codemode.stopRun');
        },
        'codemode.showLogs': async () => {
          await vscode.commands.executeCommand('codemode.showLogs');
        },
        'codemode.openScript': async () => {
          await vscode.commands.executeCommand('codemode.openScript', 'return await fixture.echo({ value: 1 });\n');
        },
      };
      assert.deepEqual(commands.filter((id) => !invocations[id]), [], 'every contributed command has an invocation here');
      for (const id of commands) await invocations[id]!();
      // The language-model tools, as a model calls them.
      assert.match(await invokeTool('codemode_run', { code: 'return (await fixture.echo({ value: 1 })).value' }), /Restricted Mode/);
      assert.match(await invokeTool('codemode_search', { query: '' }), /Restricted Mode/);
      // The chat participant, through the chat view with the test model (enabled in Restricted Mode too).
      await eventually('the test model', async () => ((await vscode.lm.selectChatModels({ vendor: 'codemode-test' })).length > 0 ? true : undefined));
      await vscode.commands.executeCommand('codemodeTest.setAnswers', ['```ts\nreturn await fixture.echo({ value: 1 });\n```']);
      await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@codemode echo 1 with the fixture', mode: 'ask', modelSelector: { vendor: 'codemode-test' } });
      const answer = await eventually('the answer of @codemode', async () => {
        const transcript = await chatTranscript();
        return /\nCode Mode: \S/.test(transcript) ? transcript : undefined;
      });
      assert.match(answer, /Code Mode runs no MCP server and no script in an untrusted workspace \(Restricted Mode\)/);
      assert.deepEqual(await vscode.commands.executeCommand<string[]>('codemodeTest.prompts'), [], '@codemode asked the model for no script');
      assert.deepEqual((await api()).runs(), [], 'no run was recorded');
      // Anything started in the background (a server, a sandbox warming up) has had time to show.
      await new Promise((resolve) => setTimeout(resolve, 5000));

      const after = descendants(process.pid);
      const known = new Set(before.map(processKey));
      const started = after.filter((info) => !known.has(processKey(info)));
      const foreign = started.filter((info) => !vscodeOwn(info, after));
      const fromCodeMode = probe.callsFrom(ours, [tests]);
      const workersAfter = threadNames().filter((name) => name === 'WorkerThread').length;
      console.log(
        `Restricted Mode, after ${commands.length} commands, 2 LM tools and @codemode: ${started.length} new processes in the extension host (${started.length - foreign.length} of VS Code's own: ${started.map((info) => vscodeOwn(info, after) ?? info.command).join('; ') || 'none'}), ` +
          `${probe.calls.length} start calls in the host (1 the test's own check, ${fromCodeMode.length} from Code Mode, the rest VS Code's), worker threads ${workersBefore} -> ${workersAfter}`,
      );
      assert.deepEqual(foreign.map((info) => info.command), [], 'new processes that are not VS Code\'s own');
      assert.deepEqual(fromCodeMode.map((call) => `${call.api}(${call.what})\n${call.stack}`), [], 'processes or worker threads Code Mode started');
      assert.equal(workersAfter, 0, 'worker threads in the extension host after the commands');
      assert.deepEqual(fixtureProcesses(), []);
    } finally {
      probe.dispose();
    }
  });
});
