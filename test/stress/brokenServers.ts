// Broken servers: one fixture server (test/fixtures/mcp-fixture-server.mjs) per fault, each met by
// a script through the whole engine (hub, runner, sandbox). For each: the error the script gets
// must be clear and name the server (and the tool where there is one), it must come within the
// configured limits, the next use must recover (or keep saying clearly why it cannot), this
// process must stay responsive and bounded in memory, and no process may be left behind — a
// wrapper's grandchild included. The table is shared: `npm run stress` runs it with limits near
// the defaults, test/unit/broken-servers.test.ts with short ones.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ServerDefinition } from '../../src/core/config/types';
import { McpHub } from '../../src/core/mcp/hub';
import { ScriptRunner } from '../../src/core/run/runner';
import type { RunResult } from '../../src/core/run/trace';
import { FIXTURE, ROOT, descendantProcesses, stillAlive, stdio, type LiveProcess } from '../helpers/servers';
import { formatMb, formatMs, table, type StressSection } from './report';

export interface FaultLimits {
  readonly startupTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly wallTimeoutMs: number;
}

/** Near the defaults (a 30 s startup timeout and per-call timeout, a 60 s run), shortened so the run takes minutes, not ten. */
export const STRESS_LIMITS: FaultLimits = { startupTimeoutMs: 10_000, callTimeoutMs: 10_000, wallTimeoutMs: 30_000 };
/** Short, for the unit test. */
export const UNIT_LIMITS: FaultLimits = { startupTimeoutMs: 3000, callTimeoutMs: 800, wallTimeoutMs: 5000 };

/** Time allowed on top of a limit: starting node, a sandbox, a server; this machine may be busy. */
const SLACK_MS = 1500;
/** How long a wedged server may be pinged before it counts as dead (connection.ts). */
const PING_TIMEOUT_MS = 5000;
/** How long the tree of a server that ignores its stdin and SIGTERM takes to end: 250 ms, then SIGTERM and 2 s, then SIGKILL (stdio.ts). */
const KILL_ESCALATION_MS = 2250;
const NAME = 'broken';
/** The longest event-loop stall that is not a failure: "blocked for long", not scheduling noise. */
const MAX_LOOP_DELAY_MS = 1000;
const MB = 1024 * 1024;

type Outcome = { readonly error: RegExp } | { readonly result: unknown };

interface Context {
  readonly hub: McpHub;
  readonly logs: readonly string[];
  readonly toolsChanged: () => number;
  readonly run: (code: string) => Promise<RunResult>;
}

export interface Scenario {
  readonly fault: string;
  /** The fixture's arguments: its mode, and the mode's own. */
  readonly args: (limits: FaultLimits) => readonly string[];
  /** `start`: the script starts the server and meets the fault; `call`: the server runs before the script calls it. */
  readonly phase: 'start' | 'call';
  /** Limits of this fault's runs, when they differ. */
  readonly limits?: (limits: FaultLimits) => FaultLimits;
  readonly script: string;
  readonly expect: (limits: FaultLimits) => Outcome;
  /** The longest the script may take to get it. */
  readonly within: (limits: FaultLimits) => number;
  /** What happens before the next use: a pause (a wedged server is found out by a ping), or a restart. */
  readonly before?: { readonly pauseMs: (limits: FaultLimits) => number } | 'restart';
  readonly next: string;
  readonly expectNext: (limits: FaultLimits) => Outcome;
  /** The longest stopping the server may take (the default suits servers that exit when stdin closes). */
  readonly disposeWithin?: number;
  /** The most this process's resident memory may grow while the fault plays out. */
  readonly maxRssGrowth?: number;
  /** Further checks once the next use is done; returns what did not hold. */
  readonly check?: (context: Context) => Promise<string[]>;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unavailable = (reason: string): RegExp => new RegExp(`^Server "${NAME}" is unavailable, so ${NAME}\\.echo cannot be called: failed to start: ${reason}`);
const toolFailed = (tool: string, reason: string): RegExp => new RegExp(`^Tool "${tool}" on server "${NAME}" failed: ${reason}`);
const callTimeout = (limits: FaultLimits): string => escape(`the call exceeded the per-call timeout of ${limits.callTimeoutMs} ms (callTimeoutMs)`);
const ECHO = `return (await ${NAME}.echo({ value: "ok" })).value`;
const echoed: Outcome = { result: 'ok' };

export const SCENARIOS: readonly Scenario[] = [
  {
    fault: 'exits at start',
    args: () => ['exit-at-start'],
    phase: 'start',
    script: ECHO,
    expect: () => ({ error: unavailable('the server exited before it finished starting; its stderr ends with: fixture: cannot open the database: permission denied') }),
    within: (limits) => limits.startupTimeoutMs,
    // Tried again at once after a first failure (then after 1 s, 2 s … 30 s), and it says so again.
    next: ECHO,
    expectNext: () => ({ error: unavailable('the server exited before it finished starting; its stderr ends with: fixture: cannot open the database') }),
    check: async ({ run }) => {
      // Within the backoff, without starting it again.
      const third = await run(ECHO);
      const clear = new RegExp(`^Server "${NAME}" is unavailable, so ${NAME}\\.echo cannot be called: the server exited before it finished starting; .*permission denied \\(next start attempt in 1 s\\)`);
      return clear.test(third.error?.message ?? '') ? [] : [`a use within the backoff got ${describe(third)}`];
    },
  },
  {
    fault: 'starts slowly, within the startup timeout',
    args: (limits) => ['slow-start', String(limits.startupTimeoutMs / 5)],
    phase: 'start',
    script: ECHO,
    expect: () => echoed,
    within: (limits) => limits.startupTimeoutMs,
    next: ECHO,
    expectNext: () => echoed,
  },
  {
    fault: 'starts slower than the startup timeout',
    args: (limits) => ['slow-start', String(limits.startupTimeoutMs * 3)],
    phase: 'start',
    script: ECHO,
    expect: (limits) => ({ error: unavailable(`did not finish starting within ${limits.startupTimeoutMs} ms`) }),
    within: (limits) => limits.startupTimeoutMs + SLACK_MS,
    next: ECHO,
    expectNext: (limits) => ({ error: unavailable(`did not finish starting within ${limits.startupTimeoutMs} ms`) }),
  },
  {
    fault: 'malformed tools/list',
    args: () => ['bad-list'],
    phase: 'start',
    script: ECHO,
    expect: () => ({ error: unavailable('its tools/list answer does not follow the MCP schema: tools\\.0\\.name: .*expected string') }),
    within: (limits) => limits.startupTimeoutMs,
    next: ECHO,
    expectNext: () => ({ error: unavailable('its tools/list answer does not follow the MCP schema') }),
  },
  {
    fault: 'invalid JSON on stdout, at start and mid-call',
    args: () => ['garbage-stdout'],
    phase: 'start',
    script: `return [(await ${NAME}.echo({ value: 1 })).value, await ${NAME}.garbage({})]`,
    expect: () => ({ result: [1, 'answered after the garbage'] }),
    within: (limits) => limits.startupTimeoutMs,
    next: ECHO,
    expectNext: () => echoed,
    check: async ({ logs }) => {
      // The lines are not lost silently: each is in the server's log.
      const warned = logs.filter((line) => line.includes('transport error')).length;
      return warned >= 6 ? [] : [`only ${warned} of the 6 invalid lines were logged as transport errors`];
    },
  },
  {
    fault: 'crashes mid-call',
    args: () => ['basic'],
    phase: 'call',
    script: `await ${NAME}.crash({})`,
    expect: () => ({ error: toolFailed('crash', `server "${NAME}" stopped during the call: the server closed the connection; its stderr ends with: fixture: crashing on purpose`) }),
    // At once, not at a timeout.
    within: () => SLACK_MS,
    next: ECHO,
    expectNext: () => echoed,
  },
  {
    fault: 'hangs mid-call, ignoring cancellation (per-call timeout)',
    args: () => ['basic'],
    phase: 'call',
    script: `await ${NAME}.hang({})`,
    expect: (limits) => ({ error: toolFailed('hang', callTimeout(limits)) }),
    within: (limits) => limits.callTimeoutMs + SLACK_MS,
    // The server still answers pings: it stays, and serves the next call.
    next: ECHO,
    expectNext: () => echoed,
  },
  {
    fault: 'hangs mid-call, ignoring cancellation (run wall clock, set to half the per-call timeout)',
    args: () => ['basic'],
    phase: 'call',
    limits: (limits) => ({ ...limits, wallTimeoutMs: limits.callTimeoutMs / 2 }),
    script: `await ${NAME}.hang({})`,
    expect: (limits) => ({ error: new RegExp(`^Script exceeded the run's wall-clock limit of ${limits.callTimeoutMs / 2} ms \\(wallTimeoutMs\\)\\nNo tool call had completed\\. Still running, then cancelled: ${NAME}\\.hang\\.`) }),
    within: (limits) => limits.callTimeoutMs / 2 + SLACK_MS,
    next: ECHO,
    expectNext: () => echoed,
  },
  {
    fault: 'blocks its event loop mid-call',
    args: () => ['basic'],
    phase: 'call',
    script: `await ${NAME}.spin({})`,
    expect: (limits) => ({ error: toolFailed('spin', callTimeout(limits)) }),
    within: (limits) => limits.callTimeoutMs + SLACK_MS,
    // A ping after the timeout gets no answer either: the server is ended and starts again.
    before: { pauseMs: (limits) => Math.min(limits.callTimeoutMs, PING_TIMEOUT_MS) + 500 },
    next: ECHO,
    expectNext: () => echoed,
    check: async ({ logs }) => (logs.some((line) => /it stopped responding \(a call timed out, then a ping got no answer/.test(line)) ? [] : ['the wedged server was not found out by its ping']),
  },
  {
    fault: 'reply cut short (invalid JSON mid-call)',
    args: () => ['basic'],
    phase: 'call',
    script: `await ${NAME}.corrupt({})`,
    expect: (limits) => ({ error: toolFailed('corrupt', `${callTimeout(limits)}; meanwhile the transport reported: Unterminated string in JSON`) }),
    within: (limits) => limits.callTimeoutMs + SLACK_MS,
    next: ECHO,
    expectNext: () => echoed,
  },
  {
    fault: '100 MB result (default per-call timeout and wall clock)',
    args: () => ['basic'],
    phase: 'call',
    // The default limits: the message size limit, not a timeout, must end this call.
    limits: (limits) => ({ ...limits, callTimeoutMs: 30_000, wallTimeoutMs: 60_000 }),
    script: `await ${NAME}.big({ bytes: 100 * 1024 * 1024 })`,
    expect: () => ({ error: toolFailed('big', escape(`server "${NAME}" stopped during the call: the connection to the server was dropped after a transport error (a message over the 10 MiB limit)`)) }),
    // About 0.5 s when idle: the server builds its 100 MB reply, this process reads 10 MiB of it.
    within: () => 15_000,
    next: ECHO,
    expectNext: () => echoed,
    // At most the 10 MiB of one message is held, gathered in pieces and never copied (stdio.ts);
    // before that the SDK's copying made this vary between 25 and 100 MB.
    maxRssGrowth: 32 * MB,
  },
  {
    fault: 'stderr flood (20,000 lines a second)',
    args: () => ['stderr-flood'],
    phase: 'start',
    script: ECHO,
    expect: () => echoed,
    within: (limits) => limits.startupTimeoutMs,
    before: { pauseMs: () => 1000 },
    next: ECHO,
    expectNext: () => echoed,
    check: async ({ hub, logs }) => {
      const problems: string[] = [];
      const tail = hub.connection(NAME)!.stderrTail?.().length ?? 0;
      if (tail > 64 * 1024) problems.push(`the stderr tail holds ${tail} characters`);
      const logged = logs.filter((line) => line.includes('[stderr]')).length;
      // Two hundred lines a second reach the log, and a count of the rest.
      if (logged > 1000) problems.push(`${logged} stderr lines were logged in a few seconds`);
      if (!logs.some((line) => /more lines were not logged/.test(line))) problems.push('the log does not say that lines were left out');
      return problems;
    },
  },
  {
    fault: 'endless tools/list_changed (one a millisecond)',
    args: () => ['list-changed-storm'],
    phase: 'start',
    script: ECHO,
    expect: () => echoed,
    within: (limits) => limits.startupTimeoutMs,
    before: { pauseMs: () => 1000 },
    next: `const stats = await ${NAME}.stats({}); return stats.listRequests < 25 ? "ok" : stats`,
    expectNext: () => echoed,
    // The list never changes: listeners (which regenerate declarations) hear of it at most once.
    check: async ({ toolsChanged }) => (toolsChanged() <= 1 ? [] : [`listeners were told of ${toolsChanged()} tool list changes`]),
  },
  {
    fault: 'ignores stdin close and SIGTERM',
    args: () => ['stubborn'],
    phase: 'call',
    script: ECHO,
    expect: () => echoed,
    within: () => SLACK_MS,
    // Restarting it must end the old process (with SIGKILL), and so must stopping it.
    before: 'restart',
    next: ECHO,
    expectNext: () => echoed,
    disposeWithin: KILL_ESCALATION_MS + SLACK_MS,
  },
  {
    fault: 'behind a wrapper, like npx',
    args: () => ['wrapper', 'basic'],
    phase: 'start',
    script: ECHO,
    expect: () => echoed,
    within: (limits) => limits.startupTimeoutMs,
    next: ECHO,
    expectNext: () => echoed,
  },
  {
    fault: 'behind a wrapper that forwards no signal, ignoring stdin close and SIGTERM',
    args: () => ['wrapper', 'stubborn'],
    phase: 'call',
    script: ECHO,
    expect: () => echoed,
    within: () => SLACK_MS,
    before: 'restart',
    next: ECHO,
    expectNext: () => echoed,
    disposeWithin: KILL_ESCALATION_MS + SLACK_MS,
  },
];

export interface ScenarioResult {
  readonly fault: string;
  /** The error the script got, or its result. */
  readonly seen: string;
  readonly elapsedMs: number;
  readonly nextSeen: string;
  readonly recovered: boolean;
  readonly disposeMs: number;
  /** Processes of this scenario still running after its hub was disposed. */
  readonly leftover: readonly string[];
  readonly loopDelayMaxMs: number;
  readonly rssGrowth: number;
  /** CPU time this process spent while the fault played out (the sandbox's thread included). */
  readonly cpuMs: number;
  /** What did not hold. */
  readonly problems: readonly string[];
  /** Every process of this scenario seen alive (looked for after each step), to check again at the very end. */
  readonly processes: readonly LiveProcess[];
}

function describe(result: RunResult): string {
  return result.ok ? JSON.stringify(result.result) : (result.error?.message ?? 'failed without an error');
}

function matches(result: RunResult, outcome: Outcome): boolean {
  if ('error' in outcome) return !result.ok && outcome.error.test(result.error?.message ?? '');
  return result.ok && JSON.stringify(result.result) === JSON.stringify(outcome.result);
}

const expected = (outcome: Outcome): string => ('error' in outcome ? `an error matching ${outcome.error}` : JSON.stringify(outcome.result));
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Descendants now, added to those seen before. */
async function observe(seen: LiveProcess[]): Promise<void> {
  for (const entry of await descendantProcesses()) {
    if (!seen.some((known) => known.pid === entry.pid && known.started === entry.started)) seen.push(entry);
  }
}

export interface RunOptions {
  readonly limits: FaultLimits;
  /** The longest this process's event loop may stall while a fault plays out. */
  readonly maxLoopDelayMs: number;
}

/** Meets one fault, with a hub and a server of its own, and reports what happened. */
export async function runScenario(scenario: Scenario, runner: ScriptRunner, options: RunOptions): Promise<ScenarioResult> {
  const limits = scenario.limits?.(options.limits) ?? options.limits;
  const logs: string[] = [];
  let toolsChanged = 0;
  const server: ServerDefinition = stdio(NAME, [FIXTURE, ...scenario.args(limits)]);
  const hub = new McpHub([server], {
    variables: { workspaceFolder: ROOT, env: process.env, inputs: [], input: async () => '' },
    roots: () => [],
    startupTimeoutMs: limits.startupTimeoutMs,
    clientVersion: 'stress',
    onLog: (name, level, text) => logs.push(`${name} ${level} ${text}`),
    onToolsChanged: () => toolsChanged++,
  });
  const run = (code: string): Promise<RunResult> => runner.run({ code, provider: hub, limits: { callTimeoutMs: limits.callTimeoutMs, wallTimeoutMs: limits.wallTimeoutMs }, source: 'test' });
  const problems: string[] = [];
  const processes: LiveProcess[] = [];
  if (scenario.phase === 'call') {
    const catalog = await hub.catalog();
    if (catalog.unavailable.length > 0) problems.push(`the server did not start: ${catalog.unavailable[0]!.reason}`);
    await observe(processes);
  }

  const loop = monitorEventLoopDelay({ resolution: 10 });
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 10);
  const cpuBefore = process.cpuUsage();
  loop.enable();

  const started = performance.now();
  const first = await run(scenario.script);
  const elapsedMs = performance.now() - started;
  const expectFirst = scenario.expect(limits);
  if (!matches(first, expectFirst)) problems.push(`the script got ${describe(first)}, not ${expected(expectFirst)}`);
  const within = scenario.within(limits);
  if (elapsedMs > within) problems.push(`it took ${formatMs(elapsedMs)}, more than ${formatMs(within)}`);

  await observe(processes);
  if (scenario.before === 'restart') await hub.connection(NAME)!.restart();
  else if (scenario.before) await delay(scenario.before.pauseMs(limits));
  await observe(processes);
  const second = await run(scenario.next);
  const expectSecond = scenario.expectNext(limits);
  const recovered = matches(second, expectSecond);
  if (!recovered) problems.push(`the next use got ${describe(second)}, not ${expected(expectSecond)}`);
  await observe(processes);
  problems.push(...((await scenario.check?.({ hub, logs, toolsChanged: () => toolsChanged, run })) ?? []));

  clearInterval(sampler);
  loop.disable();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const loopDelayMaxMs = loop.max / 1e6;
  if (loopDelayMaxMs > options.maxLoopDelayMs) problems.push(`the event loop stalled for ${formatMs(loopDelayMaxMs)}`);
  const rssGrowth = rssPeak - rssBefore;
  if (scenario.maxRssGrowth !== undefined && rssGrowth > scenario.maxRssGrowth) problems.push(`resident memory grew by ${formatMb(rssGrowth)}, more than ${formatMb(scenario.maxRssGrowth)}`);

  await observe(processes);
  const disposeStarted = performance.now();
  await hub.dispose();
  const disposeMs = performance.now() - disposeStarted;
  const disposeWithin = scenario.disposeWithin ?? 1000;
  if (disposeMs > disposeWithin) problems.push(`stopping the server took ${formatMs(disposeMs)}, more than ${formatMs(disposeWithin)}`);
  // A process being killed in the background (after a dropped connection) gets a moment to go.
  let leftover = await stillAlive(processes);
  for (let waited = 0; leftover.length > 0 && waited < KILL_ESCALATION_MS + 500; waited += 100) {
    await delay(100);
    leftover = await stillAlive(processes);
  }
  if (leftover.length > 0) problems.push(`processes left behind: ${leftover.join('; ')}`);

  return { fault: scenario.fault, seen: describe(first), elapsedMs, nextSeen: describe(second), recovered, disposeMs, leftover, loopDelayMaxMs, rssGrowth, cpuMs, problems, processes };
}

/** Every scenario, one after another (timings mean little when faults share two cores). */
export async function runScenarios(options: RunOptions): Promise<{ results: ScenarioResult[]; remaining: string[] }> {
  const runner = new ScriptRunner();
  const results: ScenarioResult[] = [];
  try {
    // The first sandbox worker and script transform start here, not inside the first fault.
    await runner.run({ code: 'return 1', source: 'test' });
    for (const scenario of SCENARIOS) results.push(await runScenario(scenario, runner, options));
  } finally {
    runner.dispose();
  }
  const remaining = [...new Set([...(await descendantProcesses()).map((entry) => `${entry.pid} ${entry.command}`), ...(await stillAlive(results.flatMap((result) => result.processes)))])];
  return { results, remaining };
}

function shorten(text: string, length = 160): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

export async function brokenServersSection(): Promise<StressSection> {
  const limits = STRESS_LIMITS;
  const { results, remaining } = await runScenarios({ limits, maxLoopDelayMs: MAX_LOOP_DELAY_MS });
  const failures = results.flatMap((result) => result.problems.map((problem) => `${result.fault}: ${problem}`));
  if (remaining.length > 0) failures.push(`processes still running after every scenario: ${remaining.join('; ')}`);
  const rows = results.map((result) => [
    result.fault,
    shorten(result.seen),
    formatMs(result.elapsedMs),
    `${result.recovered ? 'yes' : '**no**'}: ${shorten(result.nextSeen, 100)}`,
    formatMs(result.disposeMs),
    result.leftover.length,
    formatMs(result.loopDelayMaxMs),
    formatMb(Math.max(0, result.rssGrowth)),
    formatMs(result.cpuMs),
  ]);
  const body = [
    `Each fault is a mode of our fixture server (\`test/fixtures/mcp-fixture-server.mjs\`), met by a script through the hub, the runner and the sandbox, with a startup timeout of ${formatMs(limits.startupTimeoutMs)}, a per-call timeout (callTimeoutMs) of ${formatMs(limits.callTimeoutMs)} and a run wall clock (wallTimeoutMs) of ${formatMs(limits.wallTimeoutMs)} unless the row says otherwise. The same table runs as \`test/unit/broken-servers.test.ts\` with shorter limits.`,
    '',
    table(['Fault', 'What the script got', 'Time to it', 'Next use recovered', 'Stopping the server', 'Processes left', 'Longest event-loop stall', 'Peak RSS growth', 'CPU time'], rows),
    '',
    `Processes still running after all ${results.length} scenarios, descendants of this process or any process a scenario was seen to start (a wrapper's child is re-parented to init when the wrapper dies): **${remaining.length}**.`,
    '',
    `Reading it: "Time to it" runs from the script's start; for faults mid-call the server was already running. A stopped server gets 250 ms to exit after its stdin closes, then its whole process tree gets SIGTERM and, 2 s later, SIGKILL — hence about 2.3 s for a server that ignores both, and the same on restart. After a call times out the server is pinged; one that cannot answer (a blocked event loop) is ended and restarts on next use. A stdio message over 10 MiB (the SDK's limit) drops the connection as soon as it grows past it; the 100 MB result is refused there, and the server is ended at once. Lines are gathered in pieces and handed to the SDK whole: the SDK's own buffer copies itself for every 64 KiB read (some 800 MB copied for one 10 MiB message), which made this case cost up to 100 MB of RSS and a second of CPU before. Event-loop stalls, RSS growth and CPU time are of this process (the extension host, in VS Code) while the fault plays out, from the script's start to the end of the next use; stalls below a few hundred milliseconds come and go with the machine's load (an idle Node process on this two-core machine, busy with other tests, showed 90 ms), so only a stall over ${formatMs(MAX_LOOP_DELAY_MS)} counts as a failure.`,
  ].join('\n');
  return { title: 'Broken servers', body, failures };
}
