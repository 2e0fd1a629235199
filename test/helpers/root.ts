// The repository's root folder, found the same way whether a helper runs from source (tsx) or
// bundled into dist/ (`npm run stress`), where `__dirname` is another folder.

import { existsSync } from 'node:fs';
import path from 'node:path';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'esbuild.mjs')) && existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}

export const ROOT = findRoot(__dirname);
