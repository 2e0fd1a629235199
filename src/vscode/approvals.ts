// Asking the user before a model's script calls a tool that may change things (see
// core/run/approvals.ts for the policy), with the tool, its arguments and the reason.

import * as vscode from 'vscode';
import type { ToolProvider } from '../core/provider';
import { withApprovals, type Answer, type ApprovalRequest, type ApprovalRules, type ScriptOrigin } from '../core/run/approvals';

const MAX_ARGUMENT_CHARS = 600;

async function askUser(request: ApprovalRequest, runLabel: string): Promise<Answer> {
  const args = JSON.stringify(request.args, null, 1) ?? '';
  const shown = args.length > MAX_ARGUMENT_CHARS ? `${args.slice(0, MAX_ARGUMENT_CHARS)}…` : args;
  const choice = await vscode.window.showWarningMessage(
    `Allow ${request.server} / ${request.tool}?`,
    { modal: true, detail: `${runLabel} wants to call the tool "${request.tool}" of the MCP server "${request.server}" with:\n${shown}\n\nAsking because ${request.reason}.` },
    'Allow Once',
    'Allow for This Run',
    'Deny',
  );
  return choice === 'Allow Once' ? 'once' : choice === 'Allow for This Run' ? 'run' : 'deny';
}

/** The provider for one run, under the `codemode.approvals` rules. */
export function approvedProvider(provider: ToolProvider, origin: ScriptOrigin, runLabel: string): ToolProvider {
  const rules = vscode.workspace.getConfiguration('codemode').get<ApprovalRules>('approvals', {});
  return withApprovals(provider, rules, origin, (request) => askUser(request, runLabel));
}
