// What a model is told when it writes a Code Mode script, and how its answer becomes a script.
// Shared by the @codemode chat participant and the "generate script" command.

/** Rules for writing a script, in the words a model needs. */
export const SCRIPT_RULES = `You write one TypeScript script that Code Mode runs in a sandbox to do the user's task with MCP tools.
- Every MCP server is a global namespace of async functions declared below; call them as \`await namespace.tool({ ...args })\`.
- Use top-level await. Run independent calls together with Promise.all.
- Filter and summarise data inside the script; \`return\` only what answers the task (a small value or object).
- console.log is allowed for progress notes. A failing tool throws a ToolError (with .server and .tool); catch it when you can recover.
- There is no require, import, fetch, process, timers or filesystem: only the tool namespaces.
Answer with the script only, in one \`\`\`ts code block.`;

/** The script in a model's answer: the first fenced code block, or the whole text if there is none. */
export function extractScript(answer: string): string {
  const fenced = /```(?:ts|typescript|js|javascript)?[ \t]*\r?\n([\s\S]*?)```/.exec(answer);
  return (fenced ? fenced[1]! : answer).trim();
}

/** One attempt's outcome, for the next prompt. */
export interface Attempt {
  readonly script: string;
  readonly ok: boolean;
  /** What the run returned to the model (formatForModel). */
  readonly output: string;
}

/** The prompt for writing (or, after a failed attempt, fixing) a script. */
export function scriptPrompt(task: string, declarations: string, earlier: readonly Attempt[], history: readonly { task: string; script: string; output: string }[] = []): string {
  const parts = [SCRIPT_RULES, `Declarations of the available tools:\n\`\`\`ts\n${declarations}\n\`\`\``];
  for (const round of history) parts.push(`Earlier in this conversation the task was: ${round.task}\nThis script ran:\n\`\`\`ts\n${round.script}\n\`\`\`\nand returned:\n${round.output}`);
  parts.push(`Task: ${task}`);
  for (const attempt of earlier) {
    parts.push(`Your previous script:\n\`\`\`ts\n${attempt.script}\n\`\`\`\n${attempt.ok ? 'returned' : 'failed'}:\n${attempt.output}\nWrite a corrected script. Do not repeat side effects that already happened.`);
  }
  return parts.join('\n\n');
}

/** The prompt for answering the user from a successful run. */
export function answerPrompt(task: string, script: string, output: string): string {
  return `The user asked: ${task}\n\nThis script ran with their MCP tools:\n\`\`\`ts\n${script}\n\`\`\`\n\nIt returned:\n${output}\n\nAnswer the user from this result, briefly and directly. Do not show the script again.`;
}
