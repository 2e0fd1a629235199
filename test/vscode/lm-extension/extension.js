// Test only: registers a language model whose answers the tests set in advance
// (`codemodeTest.setAnswers`) and which records every prompt it gets (`codemodeTest.prompts`),
// so the chat participant's whole loop runs without a network.
const vscode = require('vscode');

const answers = [];
const prompts = [];

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
  );
};
