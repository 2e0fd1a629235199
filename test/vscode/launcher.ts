// Stands in for a desktop VS Code executable for @vscode/test-electron's runTests: takes the same
// arguments, starts VS Code's server (code-server) and opens its web workbench in Debian's
// chromium through playwright-core, with the extension and its tests passed in the page URL. The
// workbench runs the tests in its Node extension host and reports the exit code back.
//
// Environment: CODEMODE_WORKSPACE_TRUST=restricted leaves Workspace Trust on (Restricted Mode).
// CODEMODE_ANSWER_INPUT_BOXES names a JSON file of { "<text the input box shows>": "<answer>" }:
// the launcher types each answer into the matching input box whenever one opens, as a person
// would (no command of VS Code's can type into an input box, and password answers such as
// `${input:…}` prompts must go through the real one to reach SecretStorage).
// The extension host gets CODEMODE_LAUNCHER_SCRATCH: the folder holding everything this run's
// VS Code writes (user data, logs, storage, temporary files), for tests that search all of it.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../helpers/ports';
import { ensureVsCodeHost, serverLaunch } from './host';

const TIMEOUT_MS = 10 * 60_000;
/** Workbench chatter that says nothing about the tests (no GitHub sign-in offline, no chat model). */
const WORKBENCH_NOISE = /^\[(AgentHost|ChatModelSelection)\]/;
const CHROMIUM = process.env.CODEMODE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

function option(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

/** Ends every process whose environment carries `marker`. */
function killMarked(marker: string): void {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone, or not ours to read.
    }
  }
}

/**
 * Answers input boxes from `answers` until `stopped()`: when the quick input shows an input box
 * whose title or prompt contains a key, types that key's answer and presses Enter.
 */
async function answerInputBoxes(page: Page, answers: Readonly<Record<string, string>>, stopped: () => boolean): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  while (!stopped()) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    try {
      if (!(await input.isVisible())) continue;
      const shown = (await widget.innerText()).trim();
      const key = Object.keys(answers).find((candidate) => shown.includes(candidate));
      if (key === undefined) continue;
      await input.fill(answers[key]!);
      await input.press('Enter');
      // Answered once the box closes or the next prompt replaces it (two prompts in a row share the widget).
      for (let waited = 0; waited < 10_000 && !stopped() && (await input.isVisible()) && (await widget.innerText()).trim() === shown; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch (error) {
      // The page closing ends the run; anything else is worth seeing.
      if (!stopped()) process.stderr.write(`[launcher] could not answer an input box: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

async function main(args: string[]): Promise<number> {
  const developments = args.filter((arg) => arg.startsWith('--extensionDevelopmentPath=')).map((arg) => arg.slice('--extensionDevelopmentPath='.length));
  const tests = option(args, 'extensionTestsPath');
  if (developments.length === 0 || !tests) throw new Error('expected --extensionDevelopmentPath=… and --extensionTestsPath=…');
  const folder = args.find((arg) => !arg.startsWith('-'));
  const restricted = process.env.CODEMODE_WORKSPACE_TRUST === 'restricted';
  const host = ensureVsCodeHost();
  const scratch = mkdtempSync(path.join(tmpdir(), 'codemode-vscode-'));
  const port = await freePort();
  const launch = serverLaunch(host, port, scratch, { trust: restricted ? 'on' : 'off' });
  const userData = path.join(scratch, 'user-data');
  const extensions = path.join(scratch, 'extensions');
  // Every process started for this run inherits the marker, so none outlives it (the extension
  // host is not in the server's process group, and neither are the MCP servers it starts).
  const marker = `CODEMODE_LAUNCHER_RUN=${path.basename(scratch)}`;
  const serverEnv = { ...launch.env, CODEMODE_LAUNCHER_RUN: path.basename(scratch), CODEMODE_LAUNCHER_SCRATCH: scratch };
  // CODEMODE_INSTALL_VSIX: test the packaged extension, installed as a user would, instead of the
  // development folder.
  const vsix = process.env.CODEMODE_INSTALL_VSIX;
  let developmentPaths = developments;
  // CODEMODE_EXTRA_VSIX: helper extensions for the tests (a test language model), installed
  // because the web workbench loads only one development extension.
  for (const extra of (process.env.CODEMODE_EXTRA_VSIX ?? '').split(path.delimiter).filter(Boolean)) {
    execFileSync(host.node, [host.entry, '--install-extension', extra, '--extensions-dir', extensions, '--user-data-dir', userData], { env: serverEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (vsix) {
    execFileSync(host.node, [host.entry, '--install-extension', vsix, '--extensions-dir', extensions, '--user-data-dir', userData], { env: serverEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    // The workbench runs tests only for a development extension: give it an empty one, so the
    // extension under test is the installed package.
    const runner = path.join(scratch, 'test-runner');
    developmentPaths = [runner];
    mkdirSync(runner);
    writeFileSync(path.join(runner, 'package.json'), JSON.stringify({ name: 'test-runner', publisher: 'codemode-tests', version: '0.0.0', engines: { vscode: '*' } }));
  }

  const server = spawn(host.node, launch.args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv });
  let browser: Browser | undefined;
  const cleanUp = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    killMarked(marker);
    rmSync(scratch, { recursive: true, force: true });
  };
  const onSignal = (): void => void cleanUp().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    let serverLog = '';
    server.stdout!.on('data', (chunk) => (serverLog += chunk));
    server.stderr!.on('data', (chunk) => (serverLog += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not start:\n${serverLog}`)), 60_000);
      const check = (): void => {
        if (!/HTTP server listening/.test(serverLog)) return;
        clearTimeout(timer);
        resolve();
      };
      server.stdout!.on('data', check);
      server.stderr!.on('data', check);
      server.once('exit', (code) => reject(new Error(`code-server exited with ${code}:\n${serverLog}`)));
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    // Clipboard access lets tests read what VS Code copies (the chat view's Copy All).
    const page = await browser.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      setTimeout(() => {
        process.stderr.write(`[launcher] the tests did not finish within ${TIMEOUT_MS / 60_000} minutes\n`);
        resolve(1);
      }, TIMEOUT_MS).unref();
    });
    await page.exposeFunction('codeAutomationLog', (type: string, values: unknown[]) => {
      const text = format(...(Array.isArray(values) ? values : [values]));
      if (WORKBENCH_NOISE.test(text)) return;
      (type === 'error' || type === 'warn' ? process.stderr : process.stdout).write(`${text}\n`);
    });
    const remote = (file: string): string => `vscode-remote://127.0.0.1:${port}${path.resolve(file)}`;
    const payload = JSON.stringify([...developmentPaths.map((folder) => ['extensionDevelopmentPath', remote(folder)]), ['extensionTestsPath', remote(tests)]]);
    const url = `http://127.0.0.1:${port}/?${folder ? `folder=${encodeURIComponent(path.resolve(folder))}&` : ''}payload=${encodeURIComponent(payload)}`;
    await page.goto(url);
    const answersFile = process.env.CODEMODE_ANSWER_INPUT_BOXES;
    if (!answersFile) return await exit;
    let finished = false;
    const answering = answerInputBoxes(page, JSON.parse(readFileSync(answersFile, 'utf8')) as Record<string, string>, () => finished);
    const code = await exit;
    finished = true;
    await answering;
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[launcher] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
