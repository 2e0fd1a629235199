// The limit: the fixture server's tools called straight from Node through the MCP client.

import { connectFixture, measureDirect, report } from './measure';

async function main(): Promise<void> {
  const [serverScript = ''] = process.argv.slice(2);
  const client = await connectFixture(serverScript);
  // The SDK is bundled into this program; esbuild.mjs writes its version in.
  report(await measureDirect(client, `@modelcontextprotocol/sdk ${process.env.MCP_SDK_VERSION ?? 'unknown'}`));
  await client.close();
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
