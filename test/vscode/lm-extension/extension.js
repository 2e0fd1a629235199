// Test only: registers a language model whose answers the tests set in advance
// (`codemodeTest.setAnswers`) and which records every prompt it gets (`codemodeTest.prompts`),
// so the chat participant's whole loop runs without a network; and language-model tools for
// Code Mode's `vscode` namespace (test_wait counts the invocations cancelled, `codemodeTest.cancelledWaits`).
const vscode = require('vscode');

const answers = [];
const prompts = [];
let cancelledWaits = 0;

function textOf(message) {
  return message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

exports.activate = (context) => {
  const model = {
    id: 'scripted',
    name: 'Scripted test model',
    family: 'test',
    version: '1',
    tooltip: 'Answers with the replies a test set',
    detail: 'test',
    maxInputTokens: 1000000,
    maxOutputTokens: 100000,
    isUserSelectable: true,
    capabilities: {},
  };
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('codemode-test', {
      provideLanguageModelChatInformation: async () => [model],
      provideLanguageModelChatResponse: async (_model, messages, _options, progress) => {
        prompts.push(messages.map(textOf).join('\n'));
        progress.report(new vscode.LanguageModelTextPart(answers.shift() ?? 'No more canned answers.'));
      },
      provideTokenCount: async (_model, text) => Math.ceil((typeof text === 'string' ? text : textOf(text)).length / 4),
    }),
    vscode.commands.registerCommand('codemodeTest.setAnswers', (list) => {
      answers.splice(0, answers.length, ...list);
      prompts.length = 0;
    }),
    vscode.commands.registerCommand('codemodeTest.prompts', () => [...prompts]),
    // Language-model tools for Code Mode's `vscode` namespace: one answers JSON, one throws.
    vscode.lm.registerTool('test_lookup', {
      invoke: async (options) =>
        new vscode.LanguageModelToolResult([
          new vscode.LanguageModelTextPart(JSON.stringify({ key: options.input.key, length: String(options.input.key).length, count: options.input.count ?? null, inChat: options.toolInvocationToken !== undefined })),
        ]),
    }),
    vscode.lm.registerTool('test_wait', {
      invoke: (_options, token) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => resolve(new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart('waited')])), 20_000);
          token.onCancellationRequested(() => {
            clearTimeout(timer);
            cancelledWaits++;
            resolve(new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart('cancelled')]));
          });
        }),
    }),
    vscode.commands.registerCommand('codemodeTest.cancelledWaits', () => cancelledWaits),
    vscode.lm.registerTool('test_fail', {
      invoke: async (options) => {
        throw new Error(`test_fail was asked to fail: ${options.input.reason ?? 'no reason'}`);
      },
    }),
  );
};
