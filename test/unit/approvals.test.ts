// Approval policies, enforced around a real run in the sandbox with annotated fixture tools.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { ToolInfo, ToolProvider } from '../../src/core/provider';
import { decide, withApprovals, type Answer, type ApprovalRequest } from '../../src/core/run/approvals';
import { ScriptRunner } from '../../src/core/run/runner';

const runner = new ScriptRunner();
after(() => runner.dispose());

const TOOLS: ToolInfo[] = [
  { server: 'files', name: 'read', annotations: { readOnlyHint: true } },
  { server: 'files', name: 'delete', annotations: { readOnlyHint: false, destructiveHint: true } },
  { server: 'files', name: 'append', annotations: { readOnlyHint: false, destructiveHint: false } },
  { server: 'files', name: 'mystery' },
];

function provider(calls: string[]): ToolProvider {
  return {
    listTools: async () => ({ tools: TOOLS, unavailable: [] }),
    callTool: async (server, tool, args) => {
      calls.push(`${server}/${tool}`);
      return { done: tool, args };
    },
  };
}

describe('decisions', () => {
  test('a model’s script asks before tools that are not read-only; a person’s script does not', () => {
    const [read, del, append, mystery] = TOOLS;
    assert.equal(decide('files', 'read', read, {}, 'model').decision, 'allow');
    assert.equal(decide('files', 'delete', del, {}, 'model').decision, 'ask');
    assert.equal(decide('files', 'append', append, {}, 'model').decision, 'ask');
    assert.equal(decide('files', 'mystery', mystery, {}, 'model').decision, 'ask', 'no annotations: not known to be read-only');
    assert.equal(decide('files', 'delete', del, {}, 'person').decision, 'allow');
  });

  test('a tool rule beats a server rule, which beats the default', () => {
    const rules = { files: 'deny', 'files/read': 'allow' } as const;
    assert.equal(decide('files', 'read', TOOLS[0], rules, 'model').decision, 'allow');
    assert.equal(decide('files', 'append', TOOLS[2], rules, 'person').decision, 'deny');
  });
});

describe('enforced in a run', () => {
  test('a denied call throws inside the script, which can react; nothing reaches the tool', async () => {
    const calls: string[] = [];
    const result = await runner.run({
      provider: withApprovals(provider(calls), { 'files/delete': 'deny' }, 'model', async () => 'once'),
      code: 'try { await files.delete_({ path: "a" }) } catch (e) { return [e.name, e.message] }',
    });
    assert.deepEqual(result.result, ['ToolError', 'Tool "delete" on server "files" failed: denied: the rule for files/delete is to deny it']);
    assert.deepEqual(calls, []);
  });

  test('ask: the request says which tool, with which arguments, and why; "once" asks again next time', async () => {
    const calls: string[] = [];
    const asked: ApprovalRequest[] = [];
    const result = await runner.run({
      provider: withApprovals(provider(calls), {}, 'model', async (request) => {
        asked.push(request);
        return 'once';
      }),
      code: 'await files.read({ path: "a" }); await files.delete_({ path: "a" }); await files.delete_({ path: "b" }); return "ok"',
    });
    assert.equal(result.result, 'ok');
    assert.deepEqual(calls, ['files/read', 'files/delete', 'files/delete']);
    assert.deepEqual(
      asked.map((request) => [request.tool, request.args]),
      [
        ['delete', { path: 'a' }],
        ['delete', { path: 'b' }],
      ],
    );
    assert.match(asked[0]!.reason, /may change or delete things and the script came from a model/);
  });

  test('"allow for this run" stops asking for that tool until the run ends', async () => {
    let asks = 0;
    const ask = async (): Promise<Answer> => {
      asks++;
      return 'run';
    };
    const calls: string[] = [];
    await runner.run({ provider: withApprovals(provider(calls), {}, 'model', ask), code: 'for (let i = 0; i < 3; i++) await files.append({ line: i })' });
    assert.equal(asks, 1);
    await runner.run({ provider: withApprovals(provider(calls), {}, 'model', ask), code: 'await files.append({ line: 9 })' });
    assert.equal(asks, 2, 'a new run asks again');
  });

  test('a refused call fails with a clear message', async () => {
    const calls: string[] = [];
    const result = await runner.run({ provider: withApprovals(provider(calls), {}, 'model', async () => 'deny'), code: 'await files.mystery({})' });
    assert.equal(result.error?.name, 'ToolError');
    assert.match(result.error!.message, /Tool "mystery" on server "files" failed: the user did not allow this call/);
    assert.deepEqual(calls, []);
  });
});
