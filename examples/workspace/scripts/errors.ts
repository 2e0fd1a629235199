// Handling errors: a failing tool throws a ToolError with the server's own message; catch it,
// recover, and carry on. An uncaught error ends the run and names the line and the calls made.
// One arrow function: the editor then type-checks the `return`s, and Code Mode runs it.

async () => {
  const [root] = (await filesystem.listAllowedDirectories()).content.split('\n').slice(1);
  const wanted = ['customers.json', 'missing.json', 'README.md'];
  const report: Record<string, string> = {};

  for (const file of wanted) {
    try {
      const { content } = await filesystem.readTextFile({ path: `${root}/data/${file}`, head: 1 });
      report[file] = `first line: ${content}`;
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      report[file] = `skipped (${error.server}.${error.tool}): ${error.message.split(': ').pop()}`;
    }
  }
  return report;
};
