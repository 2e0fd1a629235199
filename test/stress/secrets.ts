// Secrets from `${input:}`, `${env:}`, literal `env` values and `headers`, handed to two servers
// that try every way they have to give them back (test/fixtures/leaky-server.mjs). A script calls
// every tool, logs and returns what it saw, and fails once on purpose; then every output the
// engine, the CLI and the panel produce is searched for the secret values.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfigFile } from '../../src/core/config/load';
import { McpHub } from '../../src/core/mcp/hub';
import { ScriptRunner } from '../../src/core/run/runner';
import type { TraceEvent } from '../../src/core/run/trace';
import { searchTools } from '../../src/core/search';
import { declarationText, generateDeclarations, groupByServer } from '../../src/core/typegen/generate';
import { toPanelEvent } from '../../src/vscode/runHistory';
import { codemode } from '../helpers/cli';
import { freePort } from '../helpers/ports';
import { ROOT } from '../helpers/servers';
import { table, type StressSection } from './report';

const LEAKY = path.join(ROOT, 'test/fixtures/leaky-server.mjs');

/** Where a secret could show up, with all the text written there. */
export interface Surface {
  readonly name: string;
  readonly text: string;
}

export interface SecretsExposure {
  readonly secrets: { readonly [origin: string]: string };
  readonly surfaces: readonly Surface[];
  /** Everything the scripts saw, as they returned it. */
  readonly scriptSaw: string;
}

/** Word characters only, so a secret survives being turned into a tool name verbatim. */
function secretValue(label: string): string {
  return `${label}_${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`;
}

// Calls every tool of both servers, catching errors, and reports what came back.
const PROBE = `
const seen = [];
for (const [label, ns] of [['stdio', leaky], ['http', leakyHttp]]) {
  for (const name of Object.keys(ns)) {
    try { seen.push([label, name, await ns[name]({})]); }
    catch (error) { seen.push([label, name, 'threw ' + error.name + ': ' + error.message]); }
  }
}
console.log('saw', seen);
console.warn(JSON.stringify(seen));
return seen;
`;

const FAIL = `
const text = await leaky.reveal({});
const headers = await leakyHttp.reveal({});
throw new Error('failing on purpose with ' + text + ' and ' + headers);
`;

async function startHttpServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [LEAKY, '--http', String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the leaky HTTP server did not start')), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the leaky HTTP server exited with ${code}`)));
  });
  return child;
}

/** Runs the whole exercise and collects every output; the caller decides what to assert. */
export async function exposeSecrets(): Promise<SecretsExposure> {
  const secrets = {
    '${input:token} in env': secretValue('inputtoken'),
    '${env:…} in env': secretValue('envsecret'),
    'literal env value': secretValue('literalenv'),
    '${input:bearer} in a header': secretValue('bearer'),
    '${env:…} in a header': secretValue('apikey'),
  };
  const [inputToken, envSecret, literalEnv, bearer, apiKey] = Object.values(secrets) as [string, string, string, string, string];
  const port = await freePort();
  const http = await startHttpServer(port);
  const dir = mkdtempSync(path.join(tmpdir(), 'codemode-secrets-'));
  const surfaces: Surface[] = [];
  const runner = new ScriptRunner();
  let hub: McpHub | undefined;
  try {
    const configFile = path.join(dir, 'mcp.json');
    writeFileSync(
      configFile,
      JSON.stringify(
        {
          inputs: [
            { type: 'promptString', id: 'token', description: 'Token', password: true },
            { type: 'promptString', id: 'bearer', description: 'Bearer token', password: true },
          ],
          servers: {
            leaky: {
              command: process.execPath,
              args: [LEAKY],
              env: { LEAKY_VARS: 'TOKEN,FROM_ENV,LITERAL', TOKEN: '${input:token}', FROM_ENV: '${env:CODEMODE_TEST_ENV_SECRET}', LITERAL: literalEnv },
            },
            leakyHttp: { type: 'http', url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer ${input:bearer}', 'X-Api-Key': '${env:CODEMODE_TEST_HEADER_KEY}' } },
          },
        },
        null,
        2,
      ),
    );
    const env = { CODEMODE_TEST_ENV_SECRET: envSecret, CODEMODE_TEST_HEADER_KEY: apiKey };
    const answers: Record<string, string> = { token: inputToken, bearer };

    // The engine, as the extension uses it.
    const config = await loadConfigFile(configFile);
    const logs: string[] = [];
    hub = new McpHub(config.servers, {
      variables: { workspaceFolder: dir, env: { ...process.env, ...env }, inputs: config.inputs, input: async (input) => answers[input.id] ?? '' },
      roots: () => [{ uri: `file://${dir}`, name: 'secrets' }],
      startupTimeoutMs: 20_000,
      clientVersion: 'test',
      onLog: (server, level, text) => logs.push(`${server} ${level} ${text}`),
    });
    const events: TraceEvent[] = [];
    const probe = await runner.run({ code: PROBE, provider: hub, source: 'test', onEvent: (event) => events.push(event) });
    if (!probe.ok) throw new Error(`the probe script failed: ${probe.error?.message}`);
    const failing = await runner.run({ code: FAIL, provider: hub, source: 'test', onEvent: (event) => events.push(event) });
    if (failing.ok) throw new Error('the failing script succeeded');
    // stderr arrives on its own schedule; give the shout a moment to land in the log.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const catalog = await hub.catalog();
    const generated = await generateDeclarations(groupByServer(catalog.tools), catalog.namespaces);
    surfaces.push(
      { name: 'script results', text: JSON.stringify([probe.result, failing.error]) },
      { name: 'script logs', text: JSON.stringify([probe.logs, failing.logs]) },
      { name: 'run results (calls, errors)', text: JSON.stringify([probe, failing]) },
      { name: 'trace events', text: JSON.stringify(events) },
      { name: 'run panel events', text: JSON.stringify(events.map((event) => toPanelEvent(event))) },
      { name: 'server logs', text: logs.join('\n') },
      { name: 'server status and stderr', text: JSON.stringify(hub.status()) + hub.serverNames.map((name) => hub!.connection(name)!.stderrTail?.()).join('\n') },
      { name: 'workspace declarations', text: [...generated.files.values()].join('\n') },
      { name: 'declarations for models', text: await declarationText(catalog.tools, catalog.namespaces) },
      { name: 'search results', text: JSON.stringify(searchTools(catalog.tools, 'reveal secret tool')) },
    );

    // The CLI, as a terminal agent uses it.
    const cliEnv = { ...env, CODEMODE_INPUT_TOKEN: inputToken, CODEMODE_INPUT_BEARER: bearer };
    const script = path.join(dir, 'probe.js');
    writeFileSync(script, PROBE);
    const failScript = path.join(dir, 'fail.js');
    writeFileSync(failScript, FAIL);
    const outDir = path.join(dir, 'types');
    const cli = [
      await codemode(['run', script, '--config', configFile, '--json', '--verbose'], { cwd: dir, env: cliEnv }),
      await codemode(['run', script, '--config', configFile, '--verbose'], { cwd: dir, env: cliEnv }),
      await codemode(['run', failScript, '--config', configFile, '--verbose'], { cwd: dir, env: cliEnv }),
      await codemode(['tools', '--config', configFile, '--json', '--verbose'], { cwd: dir, env: cliEnv }),
      await codemode(['tools', 'reveal', '--config', configFile, '--verbose'], { cwd: dir, env: cliEnv }),
      await codemode(['types', '--out', outDir, '--config', configFile, '--verbose'], { cwd: dir, env: cliEnv }),
    ];
    const failedCli = cli.findIndex((outcome, index) => outcome.code !== (index === 2 ? 1 : 0));
    if (failedCli !== -1) throw new Error(`CLI command ${failedCli + 1} ended with ${cli[failedCli]!.code}: ${cli[failedCli]!.stderr.slice(0, 500)}`);
    surfaces.push(
      { name: 'CLI stdout', text: cli.map((outcome) => outcome.stdout).join('\n') },
      { name: 'CLI stderr (server logs included)', text: cli.map((outcome) => outcome.stderr).join('\n') },
      { name: 'CLI declaration files', text: readdirSync(outDir).map((file) => readFileSync(path.join(outDir, file), 'utf8')).join('\n') },
    );
    return { secrets, surfaces, scriptSaw: JSON.stringify(probe.result) };
  } finally {
    runner.dispose();
    await hub?.dispose();
    http.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each secret's occurrences on each surface; all should be zero. */
export function findLeaks(exposure: SecretsExposure): { surface: string; origin: string; count: number }[] {
  const leaks: { surface: string; origin: string; count: number }[] = [];
  for (const surface of exposure.surfaces) {
    for (const [origin, secret] of Object.entries(exposure.secrets)) {
      const count = surface.text.split(secret).length - 1;
      if (count > 0) leaks.push({ surface: surface.name, origin, count });
    }
  }
  return leaks;
}

export async function secretsSection(): Promise<StressSection> {
  const exposure = await exposeSecrets();
  const leaks = findLeaks(exposure);
  const redactions = exposure.scriptSaw.split('[redacted]').length - 1;
  const rows = exposure.surfaces.map((surface) => {
    const found = leaks.filter((leak) => leak.surface === surface.name).reduce((sum, leak) => sum + leak.count, 0);
    return [surface.name, `${(surface.text.length / 1024).toFixed(1)} KB`, found];
  });
  const body = [
    `Five secrets, one per way a configuration can carry one (${Object.keys(exposure.secrets).join('; ')}), go to two servers (stdio and Streamable HTTP) that try to give them back: in text and structured results, as property names, JSON-escaped, in tool errors and protocol errors, on stderr, and in tool descriptions, schema defaults and a tool's name. A script calls every tool, logs and returns what it saw, and a second script fails with it; the same is done through the CLI. Then every output is searched for every secret.`,
    '',
    table(['output searched', 'size', 'secrets found'], rows),
    '',
    `The probe script saw ${redactions} \`[redacted]\` markers where the servers had put a secret.`,
  ].join('\n');
  const failures = [
    ...leaks.map((leak) => `${leak.origin} appeared ${leak.count}× in ${leak.surface}`),
    ...(redactions === 0 ? ['the servers leaked nothing, so the exercise proved nothing'] : []),
  ];
  return { title: 'Secrets', body, failures };
}
