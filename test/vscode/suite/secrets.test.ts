// The "secrets" run (see run.ts): the workspace's servers get five secrets, from the two password
// prompts (`${input:token}`, `${input:bearer}`, typed into VS Code's input box by the launcher and
// kept in SecretStorage), the environment (`${env:…}`), a literal `env` value and a literal header.
// The servers try every way they have to hand them back (test/fixtures/leaky-server.mjs, and the
// fixture server's `env` and `leak-and-crash`). Scripts run from the editor, the LM tools and
// @codemode; then every output VS Code and Code Mode produced is searched for the five values:
// results, the LM tools' and the chat's text, what the model was sent, the runs API, the run
// history file the panel replays, every file under VS Code's folders for this run (logs, output
// channels, storage), and the workspace (declarations, tsconfig).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { api, chatTranscript, EXTENSION_ID, eventually, invokeTool, workspaceUri } from './helpers';
import type { Secrets } from '../run';
import { codeModeFolders, StartProbe } from './processes';

interface RunResult {
  readonly ok: boolean;
  readonly result: unknown;
  readonly logs: readonly { readonly text: string }[];
  readonly error: { readonly name: string; readonly message: string } | null;
}

/** Calls every tool of the leaky servers, and the fixture's, and reports what came back. */
const PROBE = `const seen = [];
for (const [label, ns] of [['stdio', leaky], ['http', leakyHttp]]) {
  for (const name of Object.keys(ns)) {
    try { seen.push([label, name, await ns[name]({})]); }
    catch (error) { seen.push([label, name, 'threw ' + error.name + ': ' + error.message]); }
  }
}
seen.push(['keeper', 'env', [await keeper.env({ name: 'API_TOKEN' }), await keeper.env({ name: 'SERVICE_KEY' })]]);
try { await keeper.leakAndCrash({ name: 'API_TOKEN' }); } catch (error) { seen.push(['keeper', 'leakAndCrash', 'threw ' + error.message]); }
console.log('saw', seen);
console.warn(JSON.stringify(seen));
return seen;
`;

/** Fails with whatever the servers handed back. */
const FAIL = `const text = await leaky.reveal({});
const headers = await leakyHttp.reveal({});
throw new Error('failing on purpose with ' + text + ' and ' + headers);
`;

const MARKER = '[redacted]';

function readSecrets(): Secrets {
  const file = process.env.CODEMODE_TEST_SECRETS;
  if (!file) throw new Error('CODEMODE_TEST_SECRETS is not set: run this suite through run.ts');
  return JSON.parse(readFileSync(file, 'utf8')) as Secrets;
}

/** Every regular file under `folder` (none if there is no such folder), skipping `except`. */
function filesUnder(folder: string, except: readonly string[] = []): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (except.includes(file)) return [];
    if (entry.isDirectory()) return filesUnder(file, except);
    return entry.isFile() ? [file] : [];
  });
}

/** A file's bytes; none for a temporary file that went away since it was listed. */
function readIfThere(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

/** The places each secret occurs in `bytes`, as UTF-8 or UTF-16 (storage may hold either). */
function occurrences(bytes: Buffer, secrets: Partial<Secrets>): string[] {
  return Object.entries(secrets).filter(([, value]) => bytes.includes(Buffer.from(value, 'utf8')) || bytes.includes(Buffer.from(value, 'utf16le'))).map(([name]) => name);
}

/** What the script saw from one tool, from the probe's list of [server, tool, value]. */
function saw(seen: unknown, server: string, tool: string): unknown {
  return (seen as [string, string, unknown][]).find(([label, name]) => label === server && name === tool)?.[2];
}

async function runFile(name: string, code: string): Promise<RunResult> {
  const uri = workspaceUri('scripts', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(code));
  return (await vscode.commands.executeCommand('codemode.runFile', uri)) as RunResult;
}

describe('secrets given to servers, in a real VS Code', () => {
  const secrets = readSecrets();
  /** Outputs gathered along the way, searched at the end with everything written to disk. */
  const outputs: { name: string; text: string }[] = [];

  before(async function () {
    this.timeout(120_000);
    const codemode = await api();
    // The servers start with the window; the launcher answers their two password prompts.
    await eventually(
      'the three servers to start (the launcher types the password prompts\' answers)',
      () => {
        const status = codemode.serverStatus();
        return status.length === 3 && status.every((server) => server.state === 'ready') ? status : undefined;
      },
      100_000,
    );
  });

  // The Restricted Mode suite counts what Code Mode starts with this probe, and finds nothing:
  // here, where Code Mode does start things, the same probe must see them.
  it('the start probe of the Restricted Mode suite sees Code Mode start a server and its sandbox', async () => {
    const { ours, tests } = codeModeFolders(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath);
    const probe = new StartProbe();
    try {
      await vscode.commands.executeCommand('codemode.restartServer', 'keeper');
      // The window's first run starts the sandbox's worker thread.
      const result = await runFile('first.ts', 'return (await keeper.echo({ value: 1 })).value;\n');
      assert.deepEqual([result.ok, result.result], [true, 1]);
      const started = probe.callsFrom(ours, [tests]).map((call) => `${call.api}(${path.basename(call.what)})`);
      assert.ok(started.includes('child_process.spawn(node)'), started.join(', '));
      assert.ok(started.includes('worker_threads.Worker(sandbox-worker.js)'), started.join(', '));
    } finally {
      probe.dispose();
    }
  });

  it('a script run from the editor sees a marker wherever a server handed a secret back', async () => {
    const result = await runFile('probe.ts', PROBE);
    outputs.push({ name: 'the editor run\'s result', text: JSON.stringify(result) });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const seen = result.result;
    assert.equal(saw(seen, 'stdio', 'reveal'), `here you are: ${MARKER} ${MARKER} ${MARKER}`);
    assert.equal(saw(seen, 'http', 'reveal'), `here you are: ${MARKER} ${MARKER}`);
    assert.match(String(saw(seen, 'stdio', 'failWith')), /^threw ToolError: .*denied for \[redacted\] \[redacted\] \[redacted\]$/);
    assert.match(String(saw(seen, 'http', 'throwWith')), /internal failure with \[redacted\] \[redacted\]$/);
    assert.deepEqual(saw(seen, 'keeper', 'env'), [MARKER, MARKER]);
    assert.match(String(saw(seen, 'keeper', 'leakAndCrash')), /stopped during the call/);
  });

  it('a failing script run from a selection fails with the marker, not the secrets', async () => {
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'typescript', content: FAIL }));
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    const result = (await vscode.commands.executeCommand('codemode.runSelection')) as RunResult;
    outputs.push({ name: 'the failed run\'s result', text: JSON.stringify(result) });
    assert.equal(result.ok, false);
    assert.match(result.error?.message ?? '', /^failing on purpose with here you are: \[redacted\] \[redacted\] \[redacted\] and here you are: \[redacted\] \[redacted\]/);
  });

  it('codemode_run and codemode_search give the model the marker', async () => {
    const run = await invokeTool('codemode_run', { code: PROBE });
    const failed = await invokeTool('codemode_run', { code: FAIL });
    const found = await invokeTool('codemode_search', { query: 'reveal what it knows' });
    const index = await invokeTool('codemode_search', { query: '' });
    outputs.push({ name: 'codemode_run', text: `${run}\n${failed}` }, { name: 'codemode_search', text: `${found}\n${index}` });
    assert.match(run, /^Result:\n/);
    assert.ok(run.includes(`here you are: ${MARKER} ${MARKER} ${MARKER}`), run);
    assert.match(failed, /failing on purpose with here you are: \[redacted\]/);
    // The tool list itself carried the secrets: in a description, a schema's default and example.
    assert.match(found, /Configured with \[redacted\] \[redacted\] \[redacted\]\./);
    assert.match(index, /leakyHttp \(server "leaky-http", ready\): reveal, /);
  });

  it('@codemode: neither the model nor the chat sees a secret', async () => {
    await eventually('the test model', async () => ((await vscode.lm.selectChatModels({ vendor: 'codemode-test' })).length > 0 ? true : undefined));
    // The chat view needs a moment after a model registers before it offers it.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await vscode.commands.executeCommand('codemodeTest.setAnswers', [`\`\`\`ts\n${FAIL}\`\`\``, `\`\`\`ts\n${PROBE}\`\`\``, 'They handed back only redaction markers.']);
    await vscode.commands.executeCommand('workbench.action.chat.open', { query: '@codemode ask the leaky servers what they know', mode: 'ask', modelSelector: { vendor: 'codemode-test' } });
    const prompts = await eventually('three model requests', async () => {
      const list = (await vscode.commands.executeCommand<string[]>('codemodeTest.prompts')) ?? [];
      return list.length >= 3 ? list : undefined;
    });
    const transcript = await eventually('the final answer in the chat', async () => {
      const text = await chatTranscript();
      return text.includes('They handed back only redaction markers.') ? text : undefined;
    });
    outputs.push({ name: 'what @codemode sent the model', text: prompts.join('\n') }, { name: 'the chat', text: transcript });
    assert.match(prompts[0]!, /Configured with \[redacted\] \[redacted\] \[redacted\]\./, 'the declarations in the prompt');
    assert.match(prompts[1]!, /failing on purpose with here you are: \[redacted\]/, 'the failure fed back');
    assert.ok(prompts[2]!.includes(`here you are: ${MARKER} ${MARKER} ${MARKER}`), 'the result the answer comes from');
    assert.match(transcript, /It failed: `?Error: failing on purpose with here you are: \[redacted\]/);
  });

  it('the declarations written into the workspace carry the marker', async () => {
    await vscode.commands.executeCommand('codemode.regenerateTypes');
    const read = async (name: string): Promise<string> => new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceUri('.codemode', name)));
    assert.match(await read('leaky.d.ts'), /Configured with \[redacted\] \[redacted\] \[redacted\]\./);
    assert.match(await read('leakyHttp.d.ts'), /Configured with \[redacted\] \[redacted\]\./);
  });

  it('no secret appears in any output, on screen or on disk', async () => {
    const codemode = await api();
    const runs = codemode.runs();
    // From the editor (the first run, the probe, the failing selection), codemode_run (2), @codemode (2).
    assert.equal(runs.length, 7, JSON.stringify(runs));
    outputs.push({ name: 'the runs API', text: JSON.stringify(runs) }, { name: 'the run panel API', text: JSON.stringify(codemode.runPanel()) });

    // VS Code's folders for this run: logs (the output channels' files among them), storage, temporary files.
    const scratch = process.env.CODEMODE_LAUNCHER_SCRATCH;
    assert.ok(scratch, 'the launcher names the folder VS Code writes to');
    // The panel replays the history this file keeps; wait until it holds every run, counted.
    const history = await eventually('the run history to be saved with every run', () => {
      const file = filesUnder(scratch).find((candidate) => path.basename(candidate) === 'run-history.json');
      const text = file ? readFileSync(file, 'utf8') : '';
      return runs.every((run) => text.includes(run.runId)) && text.split('"type":"tokens').length - 1 === runs.length ? text : undefined;
    });
    assert.ok(history.includes(MARKER), 'the history holds what the scripts saw');
    const logs = filesUnder(scratch).filter((file) => file.endsWith('.log')).map((file) => readFileSync(file, 'utf8'));
    assert.ok(
      logs.some((text) => text.includes('Code Mode activated') && text.includes(`[script] saw`)),
      'the "Code Mode" output channel\'s file is among them, with the scripts\' logs',
    );
    assert.ok(
      logs.some((text) => text.includes(`[stderr] leaky: my secrets are ${MARKER} ${MARKER} ${MARKER}`)),
      'the "leaky" server\'s channel is among them, with what it wrote to stderr',
    );

    const workspace = workspaceUri().fsPath;
    // The configuration holds the literal values: that is where the user put them. VS Code keeps a
    // copy of the folder's configuration files (mcp.json among them) in its cache, which may hold
    // those and nothing else.
    const config = path.join(workspace, '.vscode', 'mcp.json');
    const configCopies = path.join(scratch, 'user-data', 'User', 'caches', 'CachedConfigurations');
    const notInConfig: Partial<Secrets> = { inputToken: secrets.inputToken, inputBearer: secrets.inputBearer, envSecret: secrets.envSecret };
    const files = [...filesUnder(scratch, [configCopies]), ...filesUnder(workspace, [config])];
    assert.ok(files.some((file) => file.endsWith(`${path.sep}leaky.d.ts`)), 'the declarations are searched');
    const found = [
      ...outputs.flatMap(({ name, text }) => occurrences(Buffer.from(text), secrets).map((secret) => `${secret} in ${name}`)),
      ...files.flatMap((file) => occurrences(readIfThere(file), secrets).map((secret) => `${secret} in ${file}`)),
      ...filesUnder(configCopies).flatMap((file) => occurrences(readIfThere(file), notInConfig).map((secret) => `${secret} in ${file}`)),
    ];
    const kilobytes = files.reduce((sum, file) => sum + readIfThere(file).length, 0) / 1024;
    console.log(`Searched ${outputs.length} outputs and ${files.length} files (${kilobytes.toFixed(0)} KB) for ${Object.keys(secrets).length} secrets: ${found.length} found`);
    assert.deepEqual(found, []);
  });
});
