// `npm run test:vscode`: the extension's tests in a real VS Code extension host, through
// @vscode/test-electron's runTests, twice: in a trusted workspace, and in Restricted Mode. A
// desktop VS Code is used when CODEMODE_VSCODE names one; otherwise VS Code's server in headless
// chromium (launcher.ts).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(ROOT, 'test/fixtures/mcp-fixture-server.mjs');

/** A fresh workspace: servers in .vscode/mcp.json and in settings, one of them broken, and a script. */
function makeWorkspace(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'codemode-ws-'));
  mkdirSync(path.join(folder, '.vscode'));
  mkdirSync(path.join(folder, 'scripts'));
  const server = (mode: string) => ({ command: 'node', args: [FIXTURE, mode] });
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

async function main(): Promise<void> {
  const launcher = path.join(ROOT, 'dist/test/launcher.js');
  const suites = path.join(ROOT, 'dist/test/suite');
  if (!existsSync(launcher) || !existsSync(suites)) throw new Error('build the tests first: node esbuild.mjs --tests');
  const executable = process.env.CODEMODE_VSCODE ?? launcher;
  // A test-only language model (test/vscode/lm-extension) for the chat participant's tests.
  const model = path.join(ROOT, '.cache/codemode-test-model.vsix');
  mkdirSync(path.dirname(model), { recursive: true });
  execFileSync('npx', ['vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', model], { cwd: path.join(ROOT, 'test/vscode/lm-extension'), stdio: ['ignore', 'ignore', 'inherit'] });
  const run = async (suite: 'trusted' | 'restricted' | 'vsix', env: Record<string, string> = {}): Promise<void> => {
    const workspace = makeWorkspace();
    try {
      await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: ROOT,
        extensionTestsPath: path.join(suites, 'index.js'),
        launchArgs: [workspace],
        extensionTestsEnv: { CODEMODE_WORKSPACE_TRUST: suite === 'restricted' ? 'restricted' : 'trusted', CODEMODE_TEST_SUITE: suite, ...(suite === 'trusted' ? { CODEMODE_EXTRA_VSIX: model } : {}), ...env },
      });
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  };
  for (const trust of ['trusted', 'restricted'] as const) {
    process.stdout.write(`\n== VS Code extension tests, ${trust} workspace\n`);
    await run(trust);
  }
  if (executable !== launcher) return;
  process.stdout.write('\n== The packaged .vsix, installed into VS Code\n');
  const vsix = path.join(ROOT, '.cache/codemode-vscode.vsix');
  execFileSync('npx', ['vsce', 'package', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  await run('vsix', { CODEMODE_INSTALL_VSIX: vsix });
}

main().catch((error: unknown) => {
  process.stderr.write(`[test:vscode] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
