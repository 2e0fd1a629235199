// The run panel's data path without a browser: engine events from real runs become panel events
// (payloads capped), the history keeps the newest runs within its budgets, and the page's model
// folds the events into runs the way the views read them.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { ScriptRunner } from '../../src/core/run/runner';
import type { TraceEvent } from '../../src/core/run/trace';
import { PAYLOAD_CHARS, RunHistory, toPanelEvent, toPayload } from '../../src/vscode/runHistory';
import type { PanelEvent } from '../../webview/protocol';
import { filterLogs, PanelState, runSpan, runStatus } from '../../webview/state';
import { fixtureProvider } from '../fixtures/provider';

const runner = new ScriptRunner();
after(() => runner.dispose());

async function record(code: string): Promise<PanelEvent[]> {
  const events: PanelEvent[] = [];
  await runner.run({ code, provider: fixtureProvider().provider, source: 'editor', fileName: 'probe.ts', onEvent: (event: TraceEvent) => events.push(toPanelEvent(event, 'file:///w/probe.ts')) });
  return events;
}

describe('panel events', () => {
  test('small values pass whole; large ones become the start of their JSON', () => {
    assert.deepEqual(toPayload({ a: 1 }), { kind: 'json', value: { a: 1 } });
    const big = toPayload({ text: 'x'.repeat(PAYLOAD_CHARS * 2) });
    assert.equal(big.kind, 'truncated');
    assert.equal(big.kind === 'truncated' && big.preview.length, PAYLOAD_CHARS);
    assert.equal(big.kind === 'truncated' && big.chars, PAYLOAD_CHARS * 2 + 11);
  });

  test('a value JSON cannot hold is shown as its text rather than lost', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.deepEqual(toPayload(cyclic), { kind: 'json', value: '[object Object]' });
  });

  test("a real run's events carry the file, capped payloads and no duplicated logs or calls", async () => {
    const events = await record(`
      console.log('hello');
      const big = await testServer.echo({ blob: 'y'.repeat(40000) });
      await testServer.fail({ message: 'nope' }).catch(() => {});
      return { size: big.blob.length };
    `);
    assert.deepEqual(events.map((event) => event.type), ['run-started', 'log', 'call-started', 'call-finished', 'call-started', 'call-finished', 'run-finished']);
    const started = events[0] as Extract<PanelEvent, { type: 'run-started' }>;
    assert.equal(started.fileUri, 'file:///w/probe.ts');
    const echoed = events[3] as Extract<PanelEvent, { type: 'call-finished' }>;
    assert.equal(echoed.result?.kind, 'truncated');
    const failed = events[5] as Extract<PanelEvent, { type: 'call-finished' }>;
    assert.equal(failed.ok, false);
    assert.match(failed.error ?? '', /nope/);
    const finished = events[6] as Extract<PanelEvent, { type: 'run-finished' }>;
    assert.deepEqual(finished.result, { kind: 'json', value: { size: 40000 } });
    assert.equal('logs' in finished || 'calls' in finished, false);
  });
});

describe('the history', () => {
  const run = (id: string, extra: PanelEvent[] = []): PanelEvent[] => [
    { type: 'run-started', runId: id, at: 1000, source: 'editor', code: 'return 1', limits: {} as never },
    ...extra,
    { type: 'run-finished', runId: id, at: 1010, ok: true, durationMs: 10, result: { kind: 'json', value: 1 }, error: null },
  ];

  test('keeps the newest runs, dropping whole runs from the front', () => {
    const history = new RunHistory(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) for (const event of run(id)) history.add(event);
    assert.deepEqual(history.summaries().map((summary) => summary.runId), ['c', 'd', 'e']);
    assert.equal(history.add({ type: 'log', runId: 'a', at: 1, level: 'log', text: 'late' }), false, 'events of a dropped run are ignored');
  });

  test('a size budget drops old runs but always keeps the newest, however large', () => {
    const history = new RunHistory(50, 5_000);
    const logs = (id: string): PanelEvent[] => Array.from({ length: 40 }, (_, i) => ({ type: 'log', runId: id, at: 1, level: 'log', text: `line ${i} ${'z'.repeat(100)}` }));
    for (const id of ['a', 'b', 'c']) for (const event of run(id, logs(id))) history.add(event);
    assert.deepEqual(history.summaries().map((summary) => summary.runId), ['c']);
  });

  test('saves the newest runs that fit, and ends runs a closed window left running', () => {
    const history = new RunHistory();
    for (const id of ['a', 'b']) for (const event of run(id)) history.add(event);
    history.add({ type: 'run-started', runId: 'c', at: 2000, source: 'lm-tool', code: 'while (true) {}', limits: {} as never });
    assert.deepEqual(new Set(history.newestWithin(700).map((event) => event.runId)), new Set(['b', 'c']));
    history.settleRestored(2500);
    const ended = history.events().find((event) => event.runId === 'c' && event.type === 'run-finished') as Extract<PanelEvent, { type: 'run-finished' }>;
    assert.deepEqual([ended.runId, ended.ok, ended.durationMs, ended.error?.name], ['c', false, 500, 'CancelledError']);
    assert.deepEqual(history.summaries().map((summary) => summary.status), ['ok', 'ok', 'failed']);
  });
});

describe('the history while runs go on', () => {
  const start = (id: string): PanelEvent => ({ type: 'run-started', runId: id, at: 1000, source: 'editor', code: '', limits: {} as never });
  const finish = (id: string): PanelEvent => ({ type: 'run-finished', runId: id, at: 1010, ok: true, durationMs: 10, error: null });
  const log = (id: string, size: number): PanelEvent => ({ type: 'log', runId: id, at: 1, level: 'log', text: 'x'.repeat(size) });

  test('Clear keeps a run that is still going, so its end is still recorded', () => {
    const history = new RunHistory();
    for (const event of [start('done'), finish('done'), start('live')]) history.add(event);
    history.clear();
    assert.deepEqual(history.summaries().map((run) => run.runId), ['live']);
    assert.equal(history.add(finish('live')), true);
  });

  test('the size budget never drops a run that is still going', () => {
    const history = new RunHistory(50, 3_000);
    history.add(start('long'));
    for (const event of [start('quick'), finish('quick'), start('newest'), finish('newest'), log('long', 2_000), log('long', 2_000)]) history.add(event);
    assert.deepEqual(history.summaries().map((run) => run.runId), ['long', 'newest']);
    assert.equal(history.add(finish('long')), true);
  });

  test('a run too large to save is left out, not the runs before it', () => {
    const history = new RunHistory();
    for (const event of [start('a'), finish('a'), start('huge'), log('huge', 50_000), finish('huge')]) history.add(event);
    assert.deepEqual([...new Set(history.newestWithin(10_000).map((event) => event.runId))], ['a']);
  });

  test('after a reload, runs without a token count say why', () => {
    const history = new RunHistory();
    for (const event of [start('a'), finish('a')]) history.add(event);
    history.settleRestored(2000);
    assert.deepEqual(history.events().at(-1), { type: 'tokens-unavailable', runId: 'a', reason: 'the window closed before they were counted' });
  });

  test('error texts are capped like every other payload', () => {
    const event = toPanelEvent({ type: 'call-finished', runId: 'r', callId: 1, at: 1, ok: false, durationMs: 1, error: 'e'.repeat(100_000) });
    assert.ok(event.type === 'call-finished' && (event.error?.length ?? 0) < 20_000);
  });
});

describe("the page's model", () => {
  test('folds a real run with parallel calls; the calls overlap in time', async () => {
    const events = await record(`
      const [a, b] = await Promise.all([testServer.sleep({ ms: 60 }), testServer.sleep({ ms: 30 })]);
      console.warn('both done');
      await testServer.echo({ after: true });
      return [a, b];
    `);
    const state = new PanelState();
    for (const event of events) state.apply(event);
    const view = state.newestFirst()[0]!;
    assert.equal(runStatus(view), 'ok');
    assert.equal(view.calls.length, 3);
    const [first, second, third] = view.calls as [typeof view.calls[0], typeof view.calls[0], typeof view.calls[0]];
    assert.ok(second.startedAt < first.startedAt + first.durationMs!, 'the second call started before the first ended');
    assert.ok(third.startedAt >= first.startedAt + 55, 'the sequential call started after the parallel ones');
    assert.ok(runSpan(view, Date.now()) >= 60);
    assert.deepEqual(filterLogs(view.logs, new Set(['warn']), '').map((log) => log.text), ['both done']);
    assert.deepEqual(filterLogs(view.logs, new Set(['log', 'info', 'warn', 'error']), 'NOTHING'), []);
  });

  test('a run that ends with calls still running shows them as cancelled', () => {
    const state = new PanelState();
    state.apply({ type: 'run-started', runId: 'r', at: 1000, source: 'editor', code: '', limits: {} as never });
    state.apply({ type: 'call-started', runId: 'r', callId: 1, at: 1005, server: 's', tool: 't', args: { kind: 'json', value: {} } });
    state.apply({ type: 'run-finished', runId: 'r', at: 1100, ok: false, durationMs: 100, error: { name: 'CancelledError', message: 'The run was cancelled' } });
    const view = state.get('r')!;
    assert.equal(runStatus(view), 'cancelled');
    assert.deepEqual([view.calls[0]!.ok, view.calls[0]!.durationMs], [false, 95]);
  });

  test('replaying the same events twice leaves one run', () => {
    const state = new PanelState();
    const started: PanelEvent = { type: 'run-started', runId: 'r', at: 1, source: 'chat', code: '', limits: {} as never };
    state.apply(started);
    state.apply(started);
    assert.equal(state.size, 1);
  });
});
