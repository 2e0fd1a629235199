// Our engine as a contender: the ScriptRunner with the fixture server behind an McpHub, exactly
// as the extension and the CLI run scripts.

import { ScriptRunner } from '../../src/core/run/runner';
import { benchHub, stdioServer } from '../hub';
import { measureEngine, report } from './measure';

async function main(): Promise<void> {
  const [serverScript = ''] = process.argv.slice(2);
  const hub = benchHub([stdioServer('fixture', serverScript, ['basic'])]);
  const runner = new ScriptRunner();
  await runner.warm();
  const figures = await measureEngine({
    name: 'ours (Code Mode for VS Code)',
    version: process.env.CODEMODE_VERSION ?? 'dev',
    call: (tool, args) => `fixture.${tool}(${args})`,
    run: async (js) => {
      const result = await runner.run({ code: js, fileName: 'bench.js', provider: hub, source: 'bench', limits: { wallTimeoutMs: 120_000 } });
      if (!result.ok) throw new Error(`${result.error?.name}: ${result.error?.message}`);
      return result.result;
    },
  });
  report(figures);
  runner.dispose();
  await hub.dispose();
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
