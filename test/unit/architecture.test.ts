// Layering rules that keep the core usable outside VS Code (the CLI, tests, other hosts).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const root = path.resolve(__dirname, '../..');

test('src/core never imports vscode', () => {
  const files = sourcesUnder(path.join(root, 'src/core'));
  assert.ok(files.length > 5, 'the core has sources');
  const offenders = files.filter((file) => /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)/.test(readFileSync(file, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('src/core does not reach up into the VS Code adapters or the CLI', () => {
  const offenders = sourcesUnder(path.join(root, 'src/core')).filter((file) =>
    /from\s+['"][./]*(\.\.\/)+(vscode|cli|extension)\b/.test(readFileSync(file, 'utf8')),
  );
  assert.deepEqual(offenders, []);
});

test('every command in the command table is contributed in package.json, and the reverse', () => {
  const table = readFileSync(path.join(root, 'src/vscode/commands.ts'), 'utf8');
  const inTable = [...table.matchAll(/^\s+'(codemode\.[A-Za-z]+)':/gm)].map((match) => match[1]).sort();
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
  const contributed = manifest.contributes.commands.map((command) => command.command).sort();
  assert.ok(inTable.length > 0);
  assert.deepEqual(inTable, contributed);
});

test('engines.vscode matches the pinned @types/vscode', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { vscode: string }; devDependencies: Record<string, string> };
  assert.equal(manifest.engines.vscode, `^${manifest.devDependencies['@types/vscode']}`);
});
