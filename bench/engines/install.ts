// The contenders the benchmark measures ours against, installed on first use into
// .cache/bench-peers with Node 24 (@ai-sdk/code-mode needs Node ≥ 22.13; isolated-vm, which
// @utcp/code-mode runs on, ships prebuilt binaries for Node 24 but not for Node 20).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureNode24, npmInstall } from '../../test/vscode/host';

export const PEERS = {
  '@ai-sdk/code-mode': '1.0.42',
  ai: '7.0.85',
  '@utcp/code-mode': '1.2.12',
  '@utcp/sdk': '1.1.2',
  '@utcp/direct-call': '1.0.12',
  'isolated-vm': '6.2.0',
} as const;

export interface Peers {
  readonly node: string;
  readonly dir: string;
}

export function ensurePeers(root: string): Peers {
  const node = ensureNode24();
  const dir = path.join(root, '.cache/bench-peers');
  const marker = path.join(dir, 'installed.json');
  const wanted = JSON.stringify(PEERS);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) return { node, dir };
  mkdirSync(dir, { recursive: true });
  // isolated-vm's install script picks its prebuilt binary; npm 11 runs it only when allowed.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'codemode-bench-peers', private: true, type: 'module', allowScripts: { 'isolated-vm': true } }, null, 2));
  process.stderr.write(`[bench] installing the contenders into ${dir}\n`);
  npmInstall(node, dir, Object.entries(PEERS).map(([name, version]) => `${name}@${version}`), { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` });
  writeFileSync(marker, wanted);
  return { node, dir };
}
