// Real traces for the panel: scripts run in the real sandbox against the in-process fixture tools,
// each engine event turned into a panel event by the extension's own toPanelEvent, and a token
// account counted the way the extension counts it. The panel tests replay these, so what they see
// is what a user sees after real runs (real timing, real error positions, real payloads).

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatForModel } from '../../src/core/run/format';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult, TraceEvent } from '../../src/core/run/trace';
import { accountTokens, type AccountedCall, type ToolDefinition } from '../../src/core/tokens/account';
import { o200kCounter } from '../../src/core/tokens/o200k';
import { toPanelEvent } from '../../src/vscode/runHistory';
import type { PanelEvent } from '../../webview/protocol';
import { FIXTURE_TOOLS, fixtureProvider } from '../fixtures/provider';

export interface RecordedRun {
  readonly runId: string;
  readonly code: string;
  readonly fileName: string;
  readonly fileUri: string;
  readonly result: RunResult;
  /** The engine's events, as recorded. */
  readonly trace: readonly TraceEvent[];
  /** The panel's events: the trace through toPanelEvent, then one `tokens` event. */
  readonly events: readonly PanelEvent[];
  readonly tokens: Extract<PanelEvent, { type: 'tokens' }>;
  /** Call ids by `server.tool`, in call order. */
  readonly callIds: (tool: string) => number[];
}

export const PARALLEL_SCRIPT = `// Three sources fetched at once, then one call that needs their answers.
console.log('fetching three sources in parallel');
const [fast, medium, slow] = await Promise.all([
  testServer.sleep({ ms: 40 }),
  testServer.sleep({ ms: 120 }),
  testServer.sleep({ ms: 220 }),
]);
for (const name of ['alpha', 'beta', 'gamma', 'delta']) console.log('source', name, 'ready');
console.info('all three answered', fast.slept, medium.slept, slow.slept);
const { sum } = await testServer.getSum({ a: medium.slept, b: slow.slept });
if (sum > 300) console.warn('the total is above the budget:', sum);
console.error('one source was slow (simulated)');
return {
  summary: { sum, sources: 3 },
  timings: { fast: fast.slept, medium: medium.slept, slow: slow.slept },
  details: { nested: { deep: { value: 'hidden until expanded', list: [1, 2, 3] } } },
};
`;

export const FAILED_SCRIPT = `// A tool call fails; the script notes it, then gives up with an uncaught error.
const profile = await testServer.echo({ user: 'ada', role: 'admin' });
let denied = '';
try {
  await testServer.fail({ message: 'permission denied: /etc/shadow' });
} catch (error) {
  denied = error.message;
  console.error('read failed:', denied);
}
console.log('continuing without the file');
if (denied) throw new Error(\`cannot build the report for \${profile.user}: \${denied}\`);
return profile;
`;
/** The 1-based line of FAILED_SCRIPT's uncaught throw. */
export const FAILED_THROW_LINE = FAILED_SCRIPT.split('\n').findIndex((line) => line.startsWith('if (denied) throw')) + 1;
/** How the run error's message begins (the engine adds the tool error's text and a call summary). */
export const FAILED_MESSAGE_START = 'cannot build the report for ada';
/** The failed call's error text. */
export const FAILED_CALL_ERROR = 'permission denied: /etc/shadow';

export const BIG_CALLS = 1_000;
export const BIG_LOGS = 10_000;
export const BIG_LAST_LOG = `log line ${BIG_LOGS - 1}: the last line`;
export const BIG_SCRIPT = `// ${BIG_CALLS} calls in batches of 100, then ${BIG_LOGS} log lines.
let echoed = 0;
for (let batch = 0; batch < ${BIG_CALLS / 100}; batch++) {
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => testServer.echo({ index: batch * 100 + i })));
  echoed += results.length;
}
for (let i = 0; i < ${BIG_LOGS}; i++) {
  if (i === ${BIG_LOGS - 1}) console.log(${JSON.stringify(BIG_LAST_LOG)});
  else if (i % 1000 === 999) console.warn(\`log line \${i}: checkpoint\`);
  else console.log(\`log line \${i}: processed item \${i}\`);
}
return { echoed, lines: ${BIG_LOGS} };
`;

/** Declarations a model might have read before writing these scripts (made up, but typical). */
const API_TEXT = `declare namespace testServer {
  /** Returns its arguments. */
  function echo(args: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Waits args.ms, then returns { slept }. */
  function sleep(args: { ms: number }): Promise<{ slept: number }>;
  /** Always fails with args.message. */
  function fail(args: { message: string }): Promise<never>;
  /** Adds a and b. */
  function getSum(args: { a: number; b: number }): Promise<{ sum: number }>;
}
`;

/** Code Mode's own tools as the model reads them: the definitions package.json contributes. */
function codeModeTools(): ToolDefinition[] {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    contributes: { languageModelTools: { name: string; modelDescription: string; inputSchema: ToolDefinition['inputSchema'] }[] };
  };
  return manifest.contributes.languageModelTools.map((tool) => ({ name: tool.name, description: tool.modelDescription, inputSchema: tool.inputSchema }));
}

/** The token account for a recorded run, as the extension computes it. */
async function tokensEvent(runId: string, code: string, result: RunResult, trace: readonly TraceEvent[]): Promise<Extract<PanelEvent, { type: 'tokens' }>> {
  const calls = new Map<number, { args: unknown; result?: unknown; error?: string }>();
  for (const event of trace) {
    if (event.type === 'call-started') calls.set(event.callId, { args: event.args });
    if (event.type === 'call-finished') Object.assign(calls.get(event.callId)!, event.ok ? { result: event.result } : { error: event.error });
  }
  // As src/vscode/runs.ts counts it: the output is what the run returned to the model, with the
  // default codemode.maxModelOutputChars.
  const account = await accountTokens(
    { tools: FIXTURE_TOOLS, apiText: API_TEXT, apiLabel: 'API declarations', codeModeTools: codeModeTools(), script: code, output: formatForModel(result, 20_000), calls: [...calls.values()] as AccountedCall[] },
    o200kCounter(),
  );
  // A phrase that follows "Code mode: " in the panel.
  return { type: 'tokens', runId, account, apiNote: 'the declarations of test-server the model read' };
}

async function record(runner: ScriptRunner, code: string, fileName: string, limits: Record<string, number> = {}): Promise<RecordedRun> {
  const trace: TraceEvent[] = [];
  const result = await runner.run({ code, fileName, provider: fixtureProvider().provider, source: 'editor', limits, onEvent: (event) => trace.push(event) });
  const runId = trace[0]!.runId;
  const fileUri = `file:///workspace/codemode/${fileName}`;
  const tokens = await tokensEvent(runId, code, result, trace);
  const events = [...trace.map((event) => toPanelEvent(event, fileUri)), tokens];
  const callIds = (tool: string): number[] =>
    trace.flatMap((event) => (event.type === 'call-started' && `${event.server}.${event.tool}` === tool ? [event.callId] : []));
  return { runId, code, fileName, fileUri, result, trace, events, tokens, callIds };
}

export interface Recordings {
  readonly parallel: RecordedRun;
  readonly failed: RecordedRun;
  readonly big: RecordedRun;
}

/** Runs the three scripts once (a few seconds) and returns their recordings. */
export async function recordTraces(): Promise<Recordings> {
  const runner = new ScriptRunner();
  try {
    const parallel = await record(runner, PARALLEL_SCRIPT, 'parallel.ts');
    const failed = await record(runner, FAILED_SCRIPT, 'failing.ts');
    // 10,000 lines of ~35 bytes fit the default 1 MiB of output, but a higher limit keeps a longer
    // line from ever cutting the log short; and the guest gets time for the loop.
    const big = await record(runner, BIG_SCRIPT, 'big.ts', { maxOutputBytes: 64 * 1024 * 1024, timeoutMs: 30_000 });
    for (const [name, run] of Object.entries({ parallel, big })) {
      if (!run.result.ok) throw new Error(`the ${name} recording failed: ${run.result.error?.message}`);
    }
    if (failed.result.ok) throw new Error('the failing recording succeeded');
    return { parallel, failed, big };
  } finally {
    runner.dispose();
  }
}

/**
 * A run still in progress: a recording's events up to (not including) its first finished call,
 * under a new run id, moved in time so it started `agoMs` ago.
 */
export function stillRunning(run: RecordedRun, agoMs = 300): { runId: string; events: PanelEvent[] } {
  const runId = randomUUID();
  const firstFinished = run.events.findIndex((event) => event.type === 'call-finished');
  const prefix = run.events.slice(0, firstFinished);
  const shift = Date.now() - agoMs - (prefix[0] as { at: number }).at;
  const events = prefix.map((event) => ({ ...event, runId, at: (event as { at: number }).at + shift }) as PanelEvent);
  return { runId, events };
}
