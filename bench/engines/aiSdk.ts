// Vercel's @ai-sdk/code-mode (QuickJS through the `run` package) as a contender. Its tools are AI
// SDK tools whose `execute` calls the fixture server through the MCP client.

import { experimental_runCodeMode as runCodeMode } from '@ai-sdk/code-mode';
import { jsonSchema, tool } from 'ai';
import { callFixture, connectFixture, measureEngine, report } from './measure';
import { peerVersion } from './versions';

async function main(): Promise<void> {
  const [serverScript = ''] = process.argv.slice(2);
  const client = await connectFixture(serverScript);
  const tools = {
    echo: tool({ description: 'Returns its arguments.', inputSchema: jsonSchema<{ value?: unknown }>({ type: 'object', properties: { value: {} } }), execute: (args) => callFixture(client, 'echo', args) }),
    slow: tool({ description: 'Waits ms milliseconds.', inputSchema: jsonSchema<{ ms: number }>({ type: 'object', properties: { ms: { type: 'number' } }, required: ['ms'] }), execute: (args) => callFixture(client, 'slow', args) }),
  };
  // Its default policy allows 256 tool calls and 32 in flight per run; the loop makes 500.
  const options = { executionPolicy: { timeoutMs: 120_000, maxBridgeRequests: 10_000 } };
  const figures = await measureEngine({
    name: '@ai-sdk/code-mode',
    version: peerVersion('@ai-sdk/code-mode'),
    call: (name, args) => `tools.${name}(${args})`,
    run: (js) => runCodeMode({ js, tools, options }),
    notes: ['maxBridgeRequests raised from its default of 256 so one run can make 500 calls'],
  });
  report(figures);
  await client.close();
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
