// The language-model tools: `codemode_run` runs a script the model wrote, `codemode_search` lets
// the model look up the TypeScript API of the tools it needs (a tool's description is static).

import * as vscode from 'vscode';
import { formatForModel } from '../core/run/format';
import { searchTools } from '../core/search';
import { declarationText } from '../core/typegen/generate';
import type { CodeModeContext } from './context';

interface RunInput {
  readonly code: string;
}

interface SearchInput {
  readonly query?: string;
}

const text = (value: string): vscode.LanguageModelToolResult => new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);

class RunTool implements vscode.LanguageModelTool<RunInput> {
  constructor(private readonly ctx: CodeModeContext) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<RunInput>): vscode.PreparedToolInvocation {
    const code = String(options.input?.code ?? '');
    // A fence longer than any run of backticks in the script, so the script cannot close it.
    const fence = '`'.repeat(Math.max(3, ...[...code.matchAll(/`+/g)].map((run) => run[0].length + 1)));
    return {
      invocationMessage: 'Running a Code Mode script',
      confirmationMessages: { title: 'Run this Code Mode script?', message: new vscode.MarkdownString(`The script calls MCP tools from a sandbox:\n\n${fence}ts\n${code}\n${fence}`) },
    };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<RunInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    if (!vscode.workspace.isTrusted) return text('Code Mode does not run scripts in an untrusted workspace (Restricted Mode). Ask the user to trust the workspace.');
    const code = options.input?.code;
    if (typeof code !== 'string' || code.trim() === '') return text('Give the script as { "code": "<TypeScript or JavaScript>" }.');
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const result = await this.ctx.runs.run({ code, fileName: 'model-script.ts', source: 'lm-tool', origin: 'model', label: 'A script the model wrote', signal: abort.signal });
      return text(formatForModel(result, vscode.workspace.getConfiguration('codemode').get<number>('maxModelOutputChars', 20_000)));
    } finally {
      subscription.dispose();
    }
  }
}

class SearchTool implements vscode.LanguageModelTool<SearchInput> {
  constructor(private readonly ctx: CodeModeContext) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<SearchInput>): vscode.PreparedToolInvocation {
    return { invocationMessage: options.input?.query ? `Looking up Code Mode tools for "${options.input.query}"` : 'Listing Code Mode tools' };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<SearchInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    if (!vscode.workspace.isTrusted) return text('No MCP server runs in an untrusted workspace (Restricted Mode).');
    const hub = await this.ctx.servers.current();
    if (!hub) return text('No MCP servers are configured. Add them to .vscode/mcp.json or the codemode.servers setting.');
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    try {
      const catalog = await hub.catalog(undefined, abort.signal);
      const query = (options.input?.query ?? '').trim();
      const down = catalog.unavailable.map((server) => `Server "${server.server}" is unavailable: ${server.reason}`);
      if (!query) {
        const lines = hub.status().map((server) => {
          const names = server.tools.map((tool) => tool.name).join(', ');
          return `${server.namespace} (server "${server.name}", ${server.state.kind}): ${names || 'no tools'}`;
        });
        return text([`Namespaces and their tools (search by words to get their TypeScript declarations):`, ...lines, ...down].join('\n'));
      }
      const matches = searchTools(catalog.tools, query, 8);
      if (matches.length === 0) return text([`No tool matches "${query}". Search with other words, or with an empty query for the list of all tools.`, ...down].join('\n'));
      const declarations = await declarationText(
        matches.map((match) => match.tool),
        catalog.namespaces,
      );
      return text([`TypeScript declarations of the ${matches.length} best-matching tools (call them as namespace.function({ ... }) in codemode_run):`, declarations, ...down].join('\n\n'));
    } finally {
      subscription.dispose();
    }
  }
}

export function registerLanguageModelTools(ctx: CodeModeContext): void {
  ctx.register(vscode.lm.registerTool('codemode_run', new RunTool(ctx)));
  ctx.register(vscode.lm.registerTool('codemode_search', new SearchTool(ctx)));
}
