// The token account, with the real o200k_base tokenizer: what each side counts, and how very
// large texts are estimated rather than tokenised whole.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { accountTokens, callResultText, TokenCounter, toolDefinitionText, type AccountInput } from '../../src/core/tokens/account';
import { o200kCounter, TOKENIZER_NAME } from '../../src/core/tokens/o200k';
import { FIXTURE_TOOLS } from '../fixtures/provider';

const rows = Array.from({ length: 300 }, (_, index) => ({ id: index, name: `customer ${index}`, email: `c${index}@example.com`, notes: 'prefers email; renewal due in March' }));

function input(overrides: Partial<AccountInput> = {}): AccountInput {
  return {
    tools: FIXTURE_TOOLS,
    apiText: 'declare namespace testServer {\n  function echo(args: object): Promise<unknown>;\n}',
    apiLabel: 'API declarations',
    codeModeTools: [{ name: 'codemode_run', description: 'Run a script.', inputSchema: { type: 'object', properties: { code: { type: 'string' } } } }],
    script: 'const all = await testServer.echo({ rows });\nreturn all.rows.length;',
    output: 'Result: 300',
    calls: [{ args: { rows: 'all' }, result: rows }],
    ...overrides,
  };
}

describe('the token account', () => {
  test('counts each side with the real tokenizer, item by item', async () => {
    const account = await accountTokens(input(), o200kCounter());
    assert.equal(account.tokenizer, TOKENIZER_NAME);
    const byLabel = (side: typeof account.codeMode) => Object.fromEntries(side.items.map((item) => [item.label, item.tokens]));
    const codeMode = byLabel(account.codeMode);
    assert.equal(codeMode['Script'], countTokens(input().script));
    assert.equal(codeMode['Output returned to the model'], countTokens('Result: 300'));
    const direct = byLabel(account.direct);
    assert.equal(direct['Tool definitions'], FIXTURE_TOOLS.reduce((sum, tool) => sum + countTokens(toolDefinitionText(tool)), 0));
    // Counted in 2,000-character chunks: a token split at a chunk's edge counts twice (< 0.5% here).
    const whole = countTokens(JSON.stringify(rows));
    assert.ok(direct['Call results']! >= whole && direct['Call results']! < whole * 1.005, `${direct['Call results']} vs ${whole}`);
    assert.equal(account.direct.total, account.direct.items.reduce((sum, item) => sum + item.tokens, 0));
    assert.equal(account.estimatedChars, 0);
  });

  test('a data-heavy call costs direct calling far more than code mode', async () => {
    const account = await accountTokens(input(), o200kCounter());
    assert.ok(account.direct.total > 10 * account.codeMode.total, `${account.direct.total} vs ${account.codeMode.total}`);
  });

  test('a single small call can cost code mode more, and the account says so', async () => {
    const account = await accountTokens(input({ tools: FIXTURE_TOOLS.slice(0, 1), calls: [{ args: { a: 1 }, result: { ok: true } }], output: 'Result: {"ok":true}' }), o200kCounter());
    assert.ok(account.codeMode.total > account.direct.total, `${account.codeMode.total} vs ${account.direct.total}`);
  });

  test('a failed call counts its error text as its result', () => {
    assert.equal(callResultText({ args: {}, error: 'no such file' }), 'no such file');
    assert.equal(callResultText({ args: {}, result: 'plain text' }), 'plain text');
    assert.equal(callResultText({ args: {} }), '');
  });

  test('text that looks like a special token is counted as plain text, not refused', async () => {
    const account = await accountTokens(input({ output: 'before <|endoftext|> after' }), o200kCounter());
    assert.ok(account.codeMode.total > 0);
  });

  test('beyond its budget the counter estimates from the ratio it has seen', async () => {
    const counter = new TokenCounter('test', (text) => countTokens(text), 10_000);
    const sample = JSON.stringify(rows);
    const first = await counter.count(sample.slice(0, 10_000));
    // Counted in chunks: within a fraction of a percent of counting the text whole.
    const whole = countTokens(sample.slice(0, 10_000));
    assert.ok(Math.abs(first - whole) / whole < 0.01, `${first} vs ${whole}`);
    const estimated = await counter.count(sample.slice(10_000, 30_000));
    assert.equal(counter.estimatedChars, 20_000);
    // The estimate follows the ratio seen, so it lands near the true count for similar text.
    const truth = countTokens(sample.slice(10_000, 30_000));
    assert.ok(Math.abs(estimated - truth) / truth < 0.15, `${estimated} vs ${truth}`);
  });

  test('characters left out of a result are estimated, not lost', async () => {
    const counter = new TokenCounter('test', (text) => countTokens(text));
    const tokens = await counter.count('x'.repeat(100), 4_000);
    assert.equal(counter.estimatedChars, 4_000);
    assert.ok(tokens > 100, String(tokens));
  });

  test('a long run of one character costs linear time and never holds the thread long', async () => {
    // gpt-tokenizer is quadratic on one unbroken run (160k × "a" took 19 s whole); in chunks it is not.
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      longest = Math.max(longest, performance.now() - last);
      last = performance.now();
    }, 1);
    const started = performance.now();
    const tokens = await o200kCounter().count('a'.repeat(200_000));
    const took = performance.now() - started;
    clearInterval(timer);
    assert.ok(tokens > 0);
    assert.ok(took < 5_000, `took ${took} ms`);
    assert.ok(longest < 250, `the event loop was held for ${longest} ms`);
  });

  test('image data counts as media, not as its base64 text', () => {
    const text = callResultText({ args: {}, result: [{ type: 'image', mimeType: 'image/png', data: 'A'.repeat(100_000) }] });
    assert.ok(text.length < 100, text);
  });
});
