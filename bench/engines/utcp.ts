// UTCP's @utcp/code-mode (isolated-vm) as a contender. Its tools are direct-call functions that
// call the fixture server through the MCP client. Inside its sandbox a tool call blocks until the
// host answers, so calls in Promise.all still run one after another.

import { CodeModeUtcpClient } from '@utcp/code-mode';
import { addFunctionToUtcpDirectCall } from '@utcp/direct-call';
import { callFixture, connectFixture, measureEngine, report } from './measure';
import { peerVersion } from './versions';

const tool = (name: string, inputs: object) => ({ name, description: name, inputs, outputs: { type: 'object' }, tags: [], tool_call_template: { call_template_type: 'direct-call', callable_name: name } });

async function main(): Promise<void> {
  const [serverScript = ''] = process.argv.slice(2);
  const client = await connectFixture(serverScript);
  // UTCP's libraries log every registration and call to the console; the figures go to stdout last.
  console.log = () => {};
  addFunctionToUtcpDirectCall('benchManual', async () => ({
    utcp_version: '1.0.0',
    manual_version: '1.0.0',
    tools: [tool('echo', { type: 'object', properties: { value: {} } }), tool('slow', { type: 'object', properties: { ms: { type: 'number' } }, required: ['ms'] })],
  }));
  // A direct-call function receives the arguments' values in order.
  addFunctionToUtcpDirectCall('echo', (value: unknown) => callFixture(client, 'echo', { value }));
  addFunctionToUtcpDirectCall('slow', (ms: unknown) => callFixture(client, 'slow', { ms }));
  const utcp = await CodeModeUtcpClient.create();
  await utcp.registerManual({ name: 'fixture', call_template_type: 'direct-call', callable_name: 'benchManual' });
  const figures = await measureEngine({
    name: '@utcp/code-mode',
    version: peerVersion('@utcp/code-mode'),
    call: (name, args) => `fixture.${name}(${args})`,
    run: async (js) => (await utcp.callToolChain(js, 120_000)).result,
  });
  report(figures);
  await client.close();
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
