// The limit: the fixture server's tools called straight from Node through the MCP client.

import { connectFixture, measureDirect, report } from './measure';
import { peerVersion } from './versions';

async function main(): Promise<void> {
  const [serverScript = ''] = process.argv.slice(2);
  const client = await connectFixture(serverScript);
  report(await measureDirect(client, `@modelcontextprotocol/sdk ${peerVersion('@modelcontextprotocol/sdk')}`));
  await client.close();
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
