// A status bar item with the servers and their tool counts; clicking it lists the servers with
// their state and offers restart, logs and the configuration.

import * as vscode from 'vscode';
import type { CodeModeContext } from './context';

export function registerStatusBar(ctx: CodeModeContext): void {
  const item = ctx.register(vscode.window.createStatusBarItem('codemode.servers', vscode.StatusBarAlignment.Left, 50));
  item.name = 'Code Mode servers';
  item.command = 'codemode.showServers';
  const update = (): void => {
    if (!vscode.workspace.isTrusted) {
      item.text = '$(shield) Code Mode';
      item.tooltip = 'Restricted Mode: Code Mode starts no MCP server and runs no script until the workspace is trusted.';
      item.show();
      return;
    }
    const status = ctx.servers.hub?.status() ?? [];
    const failed = status.filter((server) => server.state.kind === 'failed').length;
    const tools = status.reduce((sum, server) => sum + server.tools.length, 0);
    item.text = `${failed > 0 ? '$(warning)' : '$(plug)'} Code Mode: ${status.length} server${status.length === 1 ? '' : 's'}, ${tools} tools`;
    item.tooltip = status.map((server) => `${server.name}: ${server.state.kind}${server.state.kind === 'failed' ? ` (${server.state.error})` : ''}`).join('\n') || 'No MCP servers configured';
    item.show();
  };
  ctx.register(ctx.servers.onDidChange(update));
  update();
}
