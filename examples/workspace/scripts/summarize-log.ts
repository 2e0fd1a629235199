// Filtering a large result down before it reaches a model.
// The log is ~260 KB (about 65,000 tokens); what this script returns is a few hundred bytes.
// Run: node ../../dist/cli.js run scripts/summarize-log.ts   (from examples/workspace)
// One arrow function: the editor then type-checks the `return`s, and Code Mode runs it.

async () => {
  const [root] = (await filesystem.listAllowedDirectories()).content.split('\n').slice(1);
  const { content } = await filesystem.readTextFile({ path: `${root}/data/service.log` });

  interface Entry {
    level: string;
    service: string;
    message: string;
  }

  const entries: Entry[] = content
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [, level = '', service = '', ...rest] = line.split(/\s+/);
      return { level, service, message: rest.slice(1).join(' ') };
    });

  const errors = entries.filter((entry) => entry.level === 'ERROR');
  const byService: Record<string, Record<string, number>> = {};
  for (const { service, message } of errors) {
    byService[service] ??= {};
    byService[service][message] = (byService[service][message] ?? 0) + 1;
  }

  console.log(`Read ${entries.length} log lines, ${errors.length} errors`);
  return {
    lines: entries.length,
    errorRate: `${((errors.length / entries.length) * 100).toFixed(1)}%`,
    errorsByService: byService,
  };
};
