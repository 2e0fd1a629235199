// Errors from the MCP SDK in words fit for one line of a message. The SDK rejects an answer that
// does not match the protocol's schema with a validation error whose message is its issues as
// pretty-printed JSON, and reports an oversized stdio message in terms of its read buffer.

const MAX_ISSUES = 3;

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

function issuesOf(error: unknown): readonly Issue[] | undefined {
  if (typeof error !== 'object' || error === null || !('issues' in error)) return undefined;
  const issues = (error as { issues: unknown }).issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return issues.every((issue: unknown) => typeof issue === 'object' && issue !== null && typeof (issue as Issue).message === 'string' && Array.isArray((issue as Issue).path))
    ? (issues as Issue[])
    : undefined;
}

/** A schema validation error's issues on one line ("tools.0.name: Invalid input; …"), or undefined for other errors. */
export function schemaIssues(error: unknown): string | undefined {
  const issues = issuesOf(error);
  if (!issues) return undefined;
  const listed = issues.slice(0, MAX_ISSUES).map((issue) => `${issue.path.map(String).join('.') || '(the message)'}: ${issue.message}`);
  if (issues.length > MAX_ISSUES) listed.push(`and ${issues.length - MAX_ISSUES} more`);
  return listed.join('; ');
}

export function describeError(error: unknown): string {
  const issues = schemaIssues(error);
  if (issues) return `a message that does not follow the MCP schema (${issues})`;
  const message = error instanceof Error ? error.message : String(error);
  const oversized = /^ReadBuffer exceeded maximum size of (\d+) bytes$/.exec(message);
  if (oversized) return `a message over the ${Number(oversized[1]) / (1024 * 1024)} MiB limit`;
  return message;
}
