import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerPrompt, extractScript, scriptPrompt } from '../../src/core/run/prompting';

describe('prompts for model-written scripts', () => {
  test('the script is the first fenced block, or the whole answer', () => {
    assert.equal(extractScript('Here you go:\n```ts\nreturn 1;\n```\nand more\n```ts\nreturn 2;\n```'), 'return 1;');
    assert.equal(extractScript('```typescript\nconst a = 1;\nreturn a;\n```'), 'const a = 1;\nreturn a;');
    assert.equal(extractScript('```\nreturn 3;\n```'), 'return 3;');
    assert.equal(extractScript('  return 4;  '), 'return 4;');
  });

  test('a retry carries the failed script, its error and a warning about side effects', () => {
    const prompt = scriptPrompt('count files', 'declare namespace fs {}', [{ script: 'return x;', ok: false, output: 'The script failed at line 1: ReferenceError' }]);
    assert.match(prompt, /Declarations of the available tools:\n```ts\ndeclare namespace fs \{\}\n```/);
    assert.match(prompt, /Task: count files/);
    assert.match(prompt, /Your previous script:\n```ts\nreturn x;\n```\nfailed:\nThe script failed at line 1: ReferenceError\nWrite a corrected script\. Do not repeat side effects/);
  });

  test('earlier rounds of a conversation come before the task; the answer prompt has the result', () => {
    const prompt = scriptPrompt('and now triple', 'declare namespace m {}', [], [{ task: 'double 2', script: 'return 4;', output: 'Result:\n4' }]);
    assert.ok(prompt.indexOf('Earlier in this conversation the task was: double 2') < prompt.indexOf('Task: and now triple'));
    assert.match(answerPrompt('double 2', 'return 4;', 'Result:\n4'), /The user asked: double 2[\s\S]*It returned:\nResult:\n4/);
  });
});
