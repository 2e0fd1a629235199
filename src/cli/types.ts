// `codemode types --out DIR`: declaration files for every server's tools. Writes only inside DIR,
// only files it owns (they start with the generated header), and removes its own stale files.

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GENERATED_HEADER, generateDeclarations, groupByServer } from '../core/typegen/generate';
import { UsageError } from './usage';
import { openWorkspace } from './workspace';

async function ownedBy(file: string): Promise<'ours' | 'theirs' | 'absent'> {
  try {
    const text = await readFile(file, 'utf8');
    return text.startsWith(GENERATED_HEADER) ? 'ours' : 'theirs';
  } catch {
    return 'absent';
  }
}

export async function typesCommand(values: Record<string, unknown>): Promise<number> {
  const out = values.out;
  if (typeof out !== 'string' || out.trim() === '') throw new UsageError('types needs --out <dir>');
  const workspace = await openWorkspace(values.config as string | undefined, { required: true, verbose: values.verbose === true });
  try {
    const catalog = await workspace.hub.catalog();
    const ready = workspace.hub
      .status()
      .filter((server) => server.state.kind === 'ready')
      .map((server) => server.name);
    const { files, warnings } = await generateDeclarations(groupByServer(catalog.tools, ready));
    const dir = path.resolve(out);
    await mkdir(dir, { recursive: true });
    for (const name of files.keys()) {
      if ((await ownedBy(path.join(dir, name))) === 'theirs') {
        throw new UsageError(`Refusing to overwrite ${path.join(dir, name)}: it was not written by Code Mode`);
      }
    }
    for (const existing of await readdir(dir)) {
      if (existing.endsWith('.d.ts') && !files.has(existing) && (await ownedBy(path.join(dir, existing))) === 'ours') await rm(path.join(dir, existing));
    }
    for (const [name, text] of files) await writeFile(path.join(dir, name), text);
    for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
    for (const server of catalog.unavailable) process.stderr.write(`error: server "${server.server}" ${server.reason}; no declarations for it\n`);
    const summary = { out: dir, files: [...files.keys()], tools: catalog.tools.length, warnings, unavailable: catalog.unavailable };
    if (values.json === true) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else process.stdout.write(`Wrote ${files.size} files for ${catalog.tools.length} tools to ${dir}\n`);
    return catalog.unavailable.length > 0 ? 1 : 0;
  } finally {
    await workspace.hub.dispose();
  }
}
