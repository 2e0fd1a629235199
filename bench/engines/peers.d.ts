// The few parts of the contenders' APIs the benchmark uses. The packages themselves are installed
// only when the benchmark runs (install.ts), so `npm run typecheck` checks against these.

declare module '@ai-sdk/code-mode' {
  export function experimental_runCodeMode(input: {
    js: string;
    tools: Record<string, unknown>;
    options?: { executionPolicy?: { timeoutMs?: number; maxBridgeRequests?: number } };
  }): Promise<unknown>;
}

declare module 'ai' {
  export interface Schema<T> {
    readonly _type?: T;
  }
  export function jsonSchema<T>(schema: object): Schema<T>;
  export function tool<T>(definition: { description: string; inputSchema: Schema<T>; execute: (args: T) => Promise<unknown> }): unknown;
}

declare module '@utcp/code-mode' {
  export class CodeModeUtcpClient {
    static create(): Promise<CodeModeUtcpClient>;
    registerManual(template: { name: string; call_template_type: string; callable_name: string }): Promise<{ success: boolean }>;
    callToolChain(code: string, timeout?: number, memoryLimit?: number): Promise<{ result: unknown; logs: string[] }>;
  }
}

declare module '@utcp/direct-call' {
  export function addFunctionToUtcpDirectCall(name: string, fn: (...args: never[]) => unknown): void;
}
