// Hosts the run panel: buffers every run's trace events on the extension side (so the panel can
// be closed, hidden or reloaded without losing history) and replays them when the panel is ready.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { TraceEvent } from '../core/run/trace';
import type { ExtensionToPanel, PanelToExtension } from '../../webview/protocol';
import type { CodeModeContext } from './context';

const MAX_RUNS = 50;

class RunPanel {
  private readonly history: TraceEvent[] = [];
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly ctx: CodeModeContext) {}

  record(event: TraceEvent): void {
    this.history.push(event);
    if (event.type === 'run-started') this.trim();
    this.post({ type: 'events', events: [event] });
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const dist = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('codemode.runs', 'Code Mode Runs', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [dist],
    });
    panel.webview.html = this.html(panel.webview, dist);
    panel.webview.onDidReceiveMessage((message: PanelToExtension) => {
      if (message.type === 'ready') this.post({ type: 'events', events: this.history });
      else if (message.type === 'clear') {
        this.history.length = 0;
        this.post({ type: 'cleared' });
      }
    });
    panel.onDidDispose(() => (this.panel = undefined));
    this.panel = panel;
  }

  private post(message: ExtensionToPanel): void {
    void this.panel?.webview.postMessage(message);
  }

  /** Keeps the newest runs only, dropping whole runs from the front. */
  private trim(): void {
    const starts = this.history.flatMap((event, index) => (event.type === 'run-started' ? [index] : []));
    if (starts.length > MAX_RUNS) this.history.splice(0, starts[starts.length - MAX_RUNS]);
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${style}">
  <title>Code Mode Runs</title>
</head>
<body>
  <main id="app" aria-live="polite"></main>
  <script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}

const panels = new WeakMap<CodeModeContext, RunPanel>();

function panelFor(ctx: CodeModeContext): RunPanel {
  let panel = panels.get(ctx);
  if (!panel) {
    panel = new RunPanel(ctx);
    panels.set(ctx, panel);
  }
  return panel;
}

export function recordRunEvent(ctx: CodeModeContext, event: TraceEvent): void {
  panelFor(ctx).record(event);
}

export function showRunPanel(ctx: CodeModeContext): void {
  panelFor(ctx).show();
}
