// `npm start`: VS Code with this extension loaded on examples/workspace and its real MCP servers.
// With a desktop VS Code (`code` on PATH): its Extension Development Host. Otherwise: VS Code in
// the browser, from the same server the tests use, at a printed local address.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureVsCodeHost, serverLaunch } from './host';

const ROOT = path.resolve(__dirname, '../..');
const WORKSPACE = path.join(ROOT, 'examples/workspace');

function desktopCode(): string | undefined {
  if (process.env.CODEMODE_BROWSER === '1') return undefined;
  try {
    return execFileSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function main(): void {
  const code = desktopCode();
  if (code) {
    process.stdout.write(`Opening ${WORKSPACE} in VS Code with the extension from ${ROOT}\n`);
    spawn(code, [`--extensionDevelopmentPath=${ROOT}`, WORKSPACE], { stdio: 'inherit', detached: true }).unref();
    return;
  }
  const host = ensureVsCodeHost();
  const port = Number(process.env.PORT ?? 8080);
  const scratch = mkdtempSync(path.join(tmpdir(), 'codemode-start-'));
  // The example workspace is part of this repository: trust it, so its servers can start. The
  // page URL loads the extension from this folder, as F5 does on the desktop.
  const launch = serverLaunch(host, port, scratch, { trust: 'off' });
  const server = spawn(host.node, launch.args, { stdio: ['ignore', 'pipe', 'pipe'], env: launch.env });
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${ROOT}`]]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(WORKSPACE)}&payload=${encodeURIComponent(payload)}`;
  let announced = false;
  const watch = (chunk: Buffer): void => {
    if (announced || !/HTTP server listening/.test(chunk.toString())) return;
    announced = true;
    process.stdout.write(`\nVS Code with Code Mode is ready on the example workspace. Open this address in a browser:\n\n  ${url}\n\nThen run a script from examples/workspace/scripts (Code Mode: Run File), or ask the chat with #codemode.\nPress Ctrl+C to stop.\n`);
  };
  server.stdout!.on('data', watch);
  server.stderr!.on('data', (chunk: Buffer) => {
    watch(chunk);
    if (/EADDRINUSE|already in use/.test(chunk.toString())) process.stderr.write(`Port ${port} is taken: set PORT to another one.\n`);
  });
  server.on('exit', (status) => process.exit(status ?? 0));
  process.on('SIGINT', () => server.kill('SIGTERM'));
}

main();
