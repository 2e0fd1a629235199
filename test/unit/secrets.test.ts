// Secrets from inputs, the environment and headers never reach a script, a log, a trace, the
// panel, declarations or the CLI's output, however hard the servers try to hand them back.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { exposeSecrets, findLeaks, type SecretsExposure } from '../stress/secrets';

describe('secrets', () => {
  let exposure: SecretsExposure;
  before(async () => {
    exposure = await exposeSecrets();
  });

  test('no secret appears in any output', () => {
    assert.deepEqual(findLeaks(exposure), []);
    assert.ok(exposure.surfaces.length >= 13);
    for (const surface of exposure.surfaces) assert.ok(surface.text.length > 100, `${surface.name} was searched but nearly empty`);
  });

  test('the servers did know the secrets: the script sees a marker in each place they put one', () => {
    const seen = JSON.parse(exposure.scriptSaw) as [string, string, unknown][];
    const saw = (server: string, tool: string): unknown => seen.find(([label, name]) => label === server && name === tool)?.[2];
    assert.equal(saw('stdio', 'reveal'), 'here you are: [redacted] [redacted] [redacted]');
    // "Bearer <token>" and the API key; the credential alone is caught as well as the whole header.
    assert.equal(saw('http', 'reveal'), 'here you are: [redacted] [redacted]');
    assert.deepEqual(saw('stdio', 'revealStructured'), {
      values: ['[redacted]', '[redacted]', '[redacted]'],
      keyed: { '[redacted]': true },
      escaped: '{"secrets":["[redacted]","[redacted]","[redacted]"]}',
      deep: [[[{ secret: '[redacted]' }]]],
    });
    assert.match(String(saw('stdio', 'failWith')), /^threw ToolError: .*denied for \[redacted\] \[redacted\] \[redacted\]$/);
    assert.match(String(saw('http', 'throwWith')), /internal failure with \[redacted\] \[redacted\]$/);
    assert.ok(seen.some(([, name]) => name === 'toolRedacted'), 'a tool named after a secret keeps a redacted name');
  });
});
