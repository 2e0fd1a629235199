// `npm run stress`: hostile scripts, broken servers, fuzzed schemas, soak and load, and secrets,
// against the shipped (bundled) engine; prints each part and writes RELIABILITY.md.
//   npm run stress                    everything (about ten minutes on two cores)
//   npm run stress -- secrets soak    only the named parts; RELIABILITY.md is left alone
// Exits 1 when anything did not hold, listing what.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/root';
import { brokenServersSection } from './brokenServers';
import { hostileSection } from './hostile';
import { formatMs, type StressSection } from './report';
import { schemaFuzzSection } from './schemaFuzz';
import { secretsSection } from './secrets';
import { soakSection } from './soak';

const PARTS: Record<string, () => Promise<StressSection>> = {
  hostile: hostileSection,
  servers: brokenServersSection,
  schemas: schemaFuzzSection,
  soak: () => soakSection(),
  secrets: secretsSection,
};

const things = (count: number): string => `${count} ${count === 1 ? 'thing' : 'things'}`;

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const load = os.loadavg().map((value) => value.toFixed(1)).join(', ');
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; commit ${commit}; load average at the start ${load}`;
}

const TRUST = `## Trust

Servers a workspace defines start only in a trusted workspace. In Restricted Mode the extension
starts no process and no sandbox: the extension-host suite \`restricted\` (\`npm run test:vscode\`)
runs every command and both language-model tools in a real VS Code in Restricted Mode and counts
the processes the extension host has before and after; the count must not change, and none of the
configured servers may be running.`;

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in PARTS));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  const names = asked.length > 0 ? asked : Object.keys(PARTS);
  const sections: StressSection[] = [];
  const durations: number[] = [];
  for (const name of names) {
    process.stdout.write(`\n== ${name}\n`);
    const started = performance.now();
    let section: StressSection;
    try {
      section = await PARTS[name]!();
    } catch (error) {
      section = { title: name, body: '', failures: [`the part itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`] };
    }
    durations.push(performance.now() - started);
    sections.push(section);
    process.stdout.write(`${section.body}\n`);
    for (const failure of section.failures) process.stdout.write(`FAILED: ${failure}\n`);
    process.stdout.write(`(${formatMs(durations.at(-1)!)})\n`);
  }
  const failures = sections.flatMap((section) => section.failures.map((failure) => `${section.title}: ${failure}`));
  if (asked.length === 0) {
    const report = [
      '# Reliability',
      '',
      'What Code Mode does with hostile scripts, broken servers, adversarial schemas, long and concurrent use, and secrets: measured by `npm run stress`, which wrote this file. Each part is also a unit test (`test/unit/{hostile,broken-servers,schema-fuzz,soak,secrets}.test.ts`) with smaller numbers, run by `npm test`.',
      '',
      `Measured on ${machine()}. ${failures.length === 0 ? 'Everything held.' : `**${things(failures.length)} did not hold** (listed at the end).`}`,
      '',
      ...sections.flatMap((section, i) => [`## ${section.title}`, '', section.body, '', `_This part took ${formatMs(durations[i]!)}._`, '']),
      TRUST,
      '',
      ...(failures.length > 0 ? ['## What did not hold', '', ...failures.map((failure) => `- ${failure}`), ''] : []),
    ].join('\n');
    writeFileSync(path.join(ROOT, 'RELIABILITY.md'), report);
    process.stdout.write(`\nWrote ${path.join(ROOT, 'RELIABILITY.md')}\n`);
  }
  if (failures.length > 0) {
    process.stdout.write(`\n${things(failures.length)} did not hold:\n${failures.map((failure) => `  ${failure}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().then(
  // Servers, workers and timers of the parts are all disposed; exit in case a stray handle lingers.
  () => process.exit(),
  (error: unknown) => {
    process.stderr.write(`[stress] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
