// `npm run test:vscode`: the extension's tests in a real VS Code extension host, through
// @vscode/test-electron's runTests. A desktop VS Code is used when CODEMODE_VSCODE names one (or
// one can be downloaded); otherwise VS Code's server in headless chromium (launcher.ts).

import { existsSync } from 'node:fs';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

const ROOT = path.resolve(__dirname, '../..');

async function desktopVsCode(): Promise<string | undefined> {
  if (process.env.CODEMODE_VSCODE) return process.env.CODEMODE_VSCODE;
  if (process.env.CODEMODE_VSCODE_DOWNLOAD !== '1') return undefined;
  try {
    return await downloadAndUnzipVSCode({ version: 'stable' });
  } catch (error) {
    process.stderr.write(`[test:vscode] no desktop VS Code (${(error as Error).message}); using VS Code's server instead\n`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const launcher = path.join(ROOT, 'dist/test/launcher.js');
  const suites = path.join(ROOT, 'dist/test/suite');
  if (!existsSync(launcher) || !existsSync(suites)) throw new Error('build the tests first: node esbuild.mjs --tests');
  const executable = (await desktopVsCode()) ?? launcher;
  const workspace = path.join(ROOT, 'test/vscode/workspace');
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(suites, 'index.js'),
    launchArgs: [workspace],
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`[test:vscode] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
