// The language-model tools: `codemode_run` runs a script the model wrote, `codemode_search` lets
// the model look up the TypeScript API of the tools it needs (a tool's description is static).

import * as vscode from 'vscode';
import { DEFAULT_MODEL_OUTPUT_CHARS, RUN_TOOL, searchAnswer, SEARCH_TOOL } from '../core/modelTools';
import { formatForModel } from '../core/run/format';
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
      const result = await this.ctx.runs.run({
        code,
        fileName: 'model-script.ts',
        source: 'lm-tool',
        origin: 'model',
        label: 'A script the model wrote',
        signal: abort.signal,
        toolInvocationToken: options.toolInvocationToken,
      });
      return text(formatForModel(result, vscode.workspace.getConfiguration('codemode').get<number>('maxModelOutputChars', DEFAULT_MODEL_OUTPUT_CHARS), code));
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
      return text(await searchAnswer(await hub.catalog(undefined, abort.signal), options.input?.query ?? ''));
    } finally {
      subscription.dispose();
    }
  }
}

export function registerLanguageModelTools(ctx: CodeModeContext): void {
  ctx.register(vscode.lm.registerTool(RUN_TOOL.name, new RunTool(ctx)));
  ctx.register(vscode.lm.registerTool(SEARCH_TOOL.name, new SearchTool(ctx)));
}
