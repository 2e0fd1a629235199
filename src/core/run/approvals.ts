// Approvals for tools that change things. A policy maps servers and tools to allow, ask or deny;
// without a rule, a script a model wrote must ask before calling a tool that is not read-only
// (by its MCP annotations), and a script a person runs may call anything. Enforced by wrapping
// the provider of one run, so "allow for this run" ends with the run.

import { ToolCallError, type CallOptions, type ListToolsRequest, type ToolCatalog, type ToolInfo, type ToolProvider } from '../provider';

export type Decision = 'allow' | 'ask' | 'deny';

/** Rules keyed by `server` or `server/tool` (the names as configured and as the server spells them). */
export type ApprovalRules = Readonly<Record<string, Decision>>;

/** Who wrote the script: what a model writes is held to the stricter default. */
export type ScriptOrigin = 'model' | 'person';

export type Answer = 'once' | 'run' | 'deny';

export interface ApprovalRequest {
  readonly server: string;
  readonly tool: string;
  readonly args: unknown;
  readonly info: ToolInfo | undefined;
  /** Why asking: which rule, or the default for tools that are not read-only. */
  readonly reason: string;
}

export function decide(server: string, tool: string, info: ToolInfo | undefined, rules: ApprovalRules, origin: ScriptOrigin): { decision: Decision; reason: string } {
  const exact = rules[`${server}/${tool}`];
  if (exact) return { decision: exact, reason: `the rule for ${server}/${tool}` };
  const byServer = rules[server];
  if (byServer) return { decision: byServer, reason: `the rule for server ${server}` };
  if (origin === 'person') return { decision: 'allow', reason: 'scripts you run may call any tool' };
  if (info?.annotations?.readOnlyHint === true) return { decision: 'allow', reason: 'the tool says it is read-only' };
  const what = info?.annotations?.destructiveHint === false ? 'may change things' : 'may change or delete things';
  return { decision: 'ask', reason: `the tool ${what} and the script came from a model` };
}

/**
 * Wraps `inner` for one run: calls the policy denies fail inside the script with a clear
 * ToolError; calls it asks about wait for `ask`.
 */
export function withApprovals(inner: ToolProvider, rules: ApprovalRules, origin: ScriptOrigin, ask: (request: ApprovalRequest) => Promise<Answer>): ToolProvider {
  const tools = new Map<string, ToolInfo>();
  const allowedForRun = new Set<string>();
  return {
    ownsCallTimeouts: inner.ownsCallTimeouts,
    async listTools(signal: AbortSignal, request?: ListToolsRequest): Promise<ToolCatalog> {
      const catalog = await inner.listTools(signal, request);
      for (const tool of catalog.tools) tools.set(`${tool.server}/${tool.name}`, tool);
      return catalog;
    },
    async callTool(server: string, tool: string, args: unknown, options: CallOptions): Promise<unknown> {
      const key = `${server}/${tool}`;
      const info = tools.get(key);
      const { decision, reason } = decide(server, tool, info, rules, origin);
      if (decision === 'deny') throw new ToolCallError(`denied: ${reason} is to deny it`);
      if (decision === 'ask' && !allowedForRun.has(key)) {
        const answer = await ask({ server, tool, args, info, reason });
        if (answer === 'deny') throw new ToolCallError('the user did not allow this call');
        if (answer === 'run') allowedForRun.add(key);
      }
      return inner.callTool(server, tool, args, options);
    },
  };
}
