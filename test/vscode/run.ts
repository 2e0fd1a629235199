// `npm run test:vscode`: the extension's tests in a real VS Code extension host, through
// @vscode/test-electron's runTests, in several runs: a trusted workspace, Restricted Mode, a
// trusted workspace whose servers carry secrets, and the packaged .vsix. Those are run in VS Code's
// server in headless chromium (launcher.ts); when CODEMODE_VSCODE names a desktop VS Code, the
// trusted run is run in it instead, and the others, which need the launcher, are left out.
//
// CODEMODE_TEST_RUNS=restricted,secrets runs only the runs named (trusted, restricted, secrets,
// vsix), e.g. `node esbuild.mjs --tests && CODEMODE_TEST_RUNS=secrets node dist/test/run.js`.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { freePort } from '../helpers/ports';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/mcp-fixture-server.mjs');
const LEAKY = path.join(ROOT, 'test/fixtures/leaky-server.mjs');
const RUNS = ['trusted', 'restricted', 'secrets', 'vsix'] as const;
type Run = (typeof RUNS)[number];

const server = (mode: string) => ({ command: 'node', args: [FIXTURE, mode] });

/** A fresh workspace: servers in .vscode/mcp.json and in settings, one of them broken, and a script. */
function makeWorkspace(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'codemode-ws-'));
  mkdirSync(path.join(folder, '.vscode'));
  mkdirSync(path.join(folder, 'scripts'));
  writeFileSync(
    path.join(folder, '.vscode/mcp.json'),
    `// Test servers\n${JSON.stringify({ servers: { fixture: server('basic'), 'fails-to-start': server('exit-at-start'), 'no-url': { type: 'http' } } }, null, 2)}\n`,
  );
  writeFileSync(
    path.join(folder, '.vscode/settings.json'),
    JSON.stringify({ 'codemode.servers': { 'from-settings': server('basic') }, 'codemode.approvals': { 'fixture/add-tool': 'allow', 'from-settings/fail': 'deny' } }, null, 2),
  );
  writeFileSync(path.join(folder, 'scripts/sum.ts'), 'const numbers: number[] = [1, 2, 3, 4];\nconsole.log(`adding ${numbers.length} numbers`);\nreturn { total: numbers.reduce((sum, n) => sum + n, 0) };\n');
  return folder;
}

/** A file of answers for the launcher to type into input boxes (see launcher.ts). */
function answersFile(answers: Readonly<Record<string, string>>): { file: string; cleanUp: () => void } {
  const folder = mkdtempSync(path.join(tmpdir(), 'codemode-answers-'));
  const file = path.join(folder, 'input-answers.json');
  writeFileSync(file, JSON.stringify(answers));
  return { file, cleanUp: () => rmSync(folder, { recursive: true, force: true }) };
}

/** The secrets of the "secrets" run, one per way a configuration carries one (see secrets.test.ts). */
export interface Secrets {
  /** `${input:token}`, answered in the password box: in a stdio server's env and in its args. */
  readonly inputToken: string;
  /** `${input:bearer}`, answered in the password box: in an http server's Authorization header. */
  readonly inputBearer: string;
  /** `${env:CODEMODE_TEST_ENV_SECRET}` in a stdio server's env. */
  readonly envSecret: string;
  /** A value written as is into a stdio server's env. */
  readonly literalEnv: string;
  /** A value written as is into an http server's headers. */
  readonly literalHeader: string;
}

/** Word characters only, so a secret survives a server turning it into a tool name. */
const secretValue = (label: string): string => `${label}_${randomBytes(9).toString('hex')}`;

/**
 * The "secrets" run: a workspace whose servers get secrets through inputs, the environment,
 * env values and headers, and try to hand them back (test/fixtures/leaky-server.mjs, and the
 * fixture server's `leak-and-crash`). The leaky HTTP server runs here, outside VS Code.
 */
async function prepareSecretsRun(): Promise<{ workspace: string; env: Record<string, string>; cleanUp: () => void }> {
  const secrets: Secrets = {
    inputToken: secretValue('inputtoken'),
    inputBearer: secretValue('inputbearer'),
    envSecret: secretValue('envsecret'),
    literalEnv: secretValue('literalenv'),
    literalHeader: secretValue('literalheader'),
  };
  const port = await freePort();
  const http = await startLeakyHttp(port);
  // The secrets go to the test (and the answers to the launcher) in files outside the workspace and
  // outside VS Code's folders, which the test searches; only the `${env:}` one is in the environment.
  const privateDir = mkdtempSync(path.join(tmpdir(), 'codemode-secrets-'));
  const secretsFile = path.join(privateDir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify(secrets));
  const answers = answersFile({ 'Leaky token': secrets.inputToken, 'Leaky bearer': secrets.inputBearer });

  const workspace = mkdtempSync(path.join(tmpdir(), 'codemode-ws-'));
  mkdirSync(path.join(workspace, '.vscode'));
  mkdirSync(path.join(workspace, 'scripts'));
  const config = {
    inputs: [
      { type: 'promptString', id: 'token', description: 'Leaky token', password: true },
      { type: 'promptString', id: 'bearer', description: 'Leaky bearer', password: true },
    ],
    servers: {
      leaky: {
        command: 'node',
        args: [LEAKY, '--token=${input:token}'],
        env: { LEAKY_VARS: 'TOKEN,FROM_ENV,LITERAL', TOKEN: '${input:token}', FROM_ENV: '${env:CODEMODE_TEST_ENV_SECRET}', LITERAL: secrets.literalEnv },
      },
      'leaky-http': { type: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer ${input:bearer}', 'X-Api-Key': secrets.literalHeader } },
      keeper: { ...server('basic'), env: { API_TOKEN: '${input:token}', SERVICE_KEY: '${env:CODEMODE_TEST_ENV_SECRET}' } },
    },
  };
  writeFileSync(path.join(workspace, '.vscode/mcp.json'), `${JSON.stringify(config, null, 2)}\n`);
  // Scripts a model writes ask before calling tools that are not read-only; these may be called.
  writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({ 'codemode.approvals': { leaky: 'allow', 'leaky-http': 'allow' } }, null, 2));
  return {
    workspace,
    env: { CODEMODE_TEST_SECRETS: secretsFile, CODEMODE_ANSWER_INPUT_BOXES: answers.file, CODEMODE_TEST_ENV_SECRET: secrets.envSecret },
    cleanUp: () => {
      http.kill();
      answers.cleanUp();
      rmSync(privateDir, { recursive: true, force: true });
    },
  };
}

async function startLeakyHttp(port: number): Promise<ChildProcess> {
  // Its stderr is left out: it prints the secrets it received, by design.
  const child = spawn(process.execPath, [LEAKY, '--http', String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the leaky HTTP server did not start')), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!chunk.toString().includes('listening')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => reject(new Error(`the leaky HTTP server exited with ${code}`)));
  });
  return child;
}

function wantedRuns(): Set<Run> {
  const named = process.env.CODEMODE_TEST_RUNS?.split(',').map((name) => name.trim()).filter(Boolean);
  if (!named) return new Set(RUNS);
  const unknown = named.filter((name) => !(RUNS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`CODEMODE_TEST_RUNS names unknown runs: ${unknown.join(', ')} (known: ${RUNS.join(', ')})`);
  return new Set(named as Run[]);
}

async function main(): Promise<void> {
  const launcher = path.join(ROOT, 'dist/test/launcher.js');
  const suites = path.join(ROOT, 'dist/test/suite');
  if (!existsSync(launcher) || !existsSync(suites)) throw new Error('build the tests first: node esbuild.mjs --tests');
  const executable = process.env.CODEMODE_VSCODE ?? launcher;
  const wanted = wantedRuns();
  // A test-only language model (test/vscode/lm-extension) for the chat participant's tests.
  const model = path.join(ROOT, '.cache/codemode-test-model.vsix');
  mkdirSync(path.dirname(model), { recursive: true });
  execFileSync('npx', ['vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', model], { cwd: path.join(ROOT, 'test/vscode/lm-extension'), stdio: ['ignore', 'ignore', 'inherit'] });
  const run = async (suite: Run, workspace: string, env: Record<string, string> = {}): Promise<void> => {
    try {
      await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: path.join(suites, 'index.js'),
        launchArgs: [workspace],
        extensionTestsEnv: { CODEMODE_WORKSPACE_TRUST: suite === 'restricted' ? 'restricted' : 'trusted', CODEMODE_TEST_SUITE: suite, ...(suite === 'vsix' ? {} : { CODEMODE_EXTRA_VSIX: model }), ...env },
      });
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  };
  if (wanted.has('trusted')) {
    process.stdout.write('\n== VS Code extension tests, trusted workspace\n');
    await run('trusted', makeWorkspace());
  }
  // The rest needs the launcher: it marks the run's processes, types into input boxes, lets the
  // tests read the clipboard, and installs packages.
  if (executable !== launcher) return;
  if (wanted.has('restricted')) {
    process.stdout.write('\n== VS Code extension tests, restricted workspace\n');
    // Every command runs to its end there, those that ask for a name or a task too.
    const answers = answersFile({ 'New Code Mode script': 'restricted-probe.ts', 'Generate a Code Mode script': 'list the tools' });
    try {
      await run('restricted', makeWorkspace(), { CODEMODE_ANSWER_INPUT_BOXES: answers.file });
    } finally {
      answers.cleanUp();
    }
  }
  if (wanted.has('secrets')) {
    process.stdout.write('\n== Secrets in VS Code: servers given secrets try to hand them back\n');
    const secrets = await prepareSecretsRun();
    try {
      await run('secrets', secrets.workspace, secrets.env);
    } finally {
      secrets.cleanUp();
    }
  }
  if (!wanted.has('vsix')) return;
  process.stdout.write('\n== The packaged .vsix, installed into VS Code\n');
  const vsix = path.join(ROOT, '.cache/codemode-vscode.vsix');
  execFileSync('npx', ['vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  await run('vsix', makeWorkspace(), { CODEMODE_INSTALL_VSIX: vsix });
}

main().catch((error: unknown) => {
  process.stderr.write(`[test:vscode] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
