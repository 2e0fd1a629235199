// The @codemode chat participant: the model the user picked writes one script against the
// declarations of the relevant tools, the script runs (under the approval rules), a failure goes
// back to the model with its line and the calls that completed, and the final answer comes from
// the result. Rounds are kept in the result's metadata so follow-ups build on them.

import * as vscode from 'vscode';
import { formatForModel } from '../core/run/format';
import { answerPrompt, extractScript, scriptPrompt, type Attempt } from '../core/run/prompting';
import type { ToolInfo } from '../core/provider';
import { searchTools } from '../core/search';
import { declarationText } from '../core/typegen/generate';
import type { McpHub } from '../core/mcp/hub';
import type { CodeModeContext } from './context';

const MAX_ATTEMPTS = 3;
/** Declarations up to this size are all given to the model; beyond it, only those the task matches. */
const ALL_DECLARATIONS_CHARS = 12_000;
const OUTPUT_CHARS = 8_000;

interface Round {
  readonly task: string;
  readonly script: string;
  readonly output: string;
  readonly ok: boolean;
}

export interface ChatMetadata {
  readonly rounds: readonly Round[];
}

/** Declarations for the model: all of them when they are small, else the tools the task matches. */
export async function declarationsFor(hub: McpHub, task: string, signal: AbortSignal): Promise<string> {
  const catalog = await hub.catalog(undefined, signal);
  const render = (tools: readonly ToolInfo[]): Promise<string> => declarationText(tools, catalog.namespaces);
  const all = await render(catalog.tools);
  if (all.length <= ALL_DECLARATIONS_CHARS) return all;
  const matches = searchTools(catalog.tools, task, 12).map((match) => match.tool);
  return render(matches.length > 0 ? matches : catalog.tools.slice(0, 12));
}

/** Sends one prompt to the model and collects the text of its answer. */
export async function ask(model: vscode.LanguageModelChat, prompt: string, token: vscode.CancellationToken): Promise<string> {
  const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(prompt)], {}, token);
  let text = '';
  for await (const part of response.text) text += part;
  return text;
}

function earlierRounds(context: vscode.ChatContext): Round[] {
  return context.history.flatMap((turn) => (turn instanceof vscode.ChatResponseTurn ? ((turn.result.metadata as ChatMetadata | undefined)?.rounds ?? []) : []));
}

function describeModelError(error: unknown): string {
  if (error instanceof vscode.LanguageModelError) {
    if (error.code === vscode.LanguageModelError.NoPermissions.name) return 'Code Mode may not use this language model: allow it when VS Code asks, then try again.';
    if (error.code === vscode.LanguageModelError.NotFound.name) return 'The selected language model is not available. Pick another model and try again.';
    if (error.code === vscode.LanguageModelError.Blocked.name) return 'The language model refused the request (it was blocked).';
    return `The language model failed: ${error.message}`;
  }
  return `The language model failed: ${error instanceof Error ? error.message : String(error)}`;
}

export function registerChatParticipant(ctx: CodeModeContext): void {
  const handler: vscode.ChatRequestHandler = async (request, context, stream, token) => {
    const task = request.prompt.trim();
    if (!task) {
      stream.markdown('Tell me what to do with your MCP tools, and I will write and run a script for it.');
      return {};
    }
    if (!vscode.workspace.isTrusted) {
      stream.markdown('Code Mode runs no MCP server and no script in an untrusted workspace (Restricted Mode). Trust the workspace to use it.');
      return {};
    }
    const hub = await ctx.servers.current();
    if (!hub || hub.serverNames.length === 0) {
      stream.markdown('No MCP servers are configured. Add them to `.vscode/mcp.json` or the `codemode.servers` setting.');
      return {};
    }
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort());
    const history = earlierRounds(context);
    const rounds: Round[] = [];
    try {
      stream.progress('Looking up the tools…');
      const declarations = await declarationsFor(hub, task, abort.signal);
      const attempts: Attempt[] = [];
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        if (token.isCancellationRequested) break;
        stream.progress(attempt === 1 ? 'Writing a script…' : `The script failed; writing a corrected one (attempt ${attempt} of ${MAX_ATTEMPTS})…`);
        let script: string;
        try {
          script = extractScript(await ask(request.model, scriptPrompt(task, declarations, attempts, history), token));
        } catch (error) {
          stream.markdown(describeModelError(error));
          return { metadata: { rounds: [...history, ...rounds] } satisfies ChatMetadata };
        }
        stream.markdown(`${attempt === 1 ? 'Script' : `Corrected script (attempt ${attempt})`}:\n\`\`\`ts\n${script}\n\`\`\`\n`);
        stream.progress('Running it…');
        const result = await ctx.runs.run({
          code: script,
          fileName: 'chat-script.ts',
          source: 'chat',
          origin: 'model',
          label: 'A script written for your chat request',
          signal: abort.signal,
          toolInvocationToken: request.toolInvocationToken,
          context: { apiText: declarations, outputChars: OUTPUT_CHARS, toolDefinitions: false },
        });
        const output = formatForModel(result, OUTPUT_CHARS, script);
        rounds.push({ task, script, output, ok: result.ok });
        attempts.push({ script, ok: result.ok, output });
        stream.button({ command: 'codemode.openScript', arguments: [script], title: 'Open Script in Editor' });
        if (!result.ok) {
          stream.markdown(`It failed: \`${result.error?.name}: ${(result.error?.message ?? '').split('\n')[0]}\`${result.error?.line !== undefined ? ` (line ${result.error.line})` : ''}\n\n`);
          continue;
        }
        stream.button({ command: 'codemode.showRuns', title: 'Show the Run' });
        try {
          const response = await request.model.sendRequest([vscode.LanguageModelChatMessage.User(answerPrompt(task, script, output))], {}, token);
          for await (const part of response.text) stream.markdown(part);
        } catch (error) {
          stream.markdown(`${describeModelError(error)}\n\nThe script's result:\n\`\`\`\n${output}\n\`\`\``);
        }
        return { metadata: { rounds: [...history, ...rounds] } satisfies ChatMetadata };
      }
      if (!token.isCancellationRequested) stream.markdown(`The script still failed after ${MAX_ATTEMPTS} attempts. The last error is above; try rephrasing the request.`);
      return { metadata: { rounds: [...history, ...rounds] } satisfies ChatMetadata };
    } finally {
      subscription.dispose();
    }
  };
  const participant = ctx.register(vscode.chat.createChatParticipant('codemode.chat', handler));
  participant.iconPath = new vscode.ThemeIcon('symbol-namespace');
}
