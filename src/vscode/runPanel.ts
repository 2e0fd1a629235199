// Hosts the run panel webview. The history lives in the RunService, so the panel can be hidden,
// closed or reloaded (and restored after a window reload) and replays everything when its page
// says it is ready. Live events are posted in batches: a script printing 10,000 lines makes a
// few dozen messages, not 10,000.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ExtensionToPanel, PanelEvent, PanelToExtension } from '../../webview/protocol';
import type { CodeModeContext } from './context';

const VIEW_TYPE = 'codemode.runs';
const BATCH_MS = 40;

export type RevealSetting = 'editorRuns' | 'allRuns' | 'never';

/** What the panel last reported, for the extension's API and its tests. */
export interface RunPanelState {
  readonly open: boolean;
  readonly visible: boolean;
  /** Events the page has applied since it last loaded. */
  readonly appliedEvents: number;
  readonly appliedRuns: number;
  /** Events the extension holds; the page is up to date when it has applied as many. */
  readonly bufferedEvents: number;
}

class RunPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private queue: PanelEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  /** The page is loaded and listening; a hidden panel has no page (its context is not retained). */
  private ready = false;
  /** A run to select once the page has it: revealing a hidden panel reloads the page first. */
  private pendingSelect: string | undefined;
  private applied = { events: 0, runs: 0 };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: CodeModeContext) {
    const runs = ctx.runs;
    this.disposables.push(
      runs.onDidRecord((events) => this.enqueue(events)),
      runs.onDidChangeRunning((runIds) => this.post({ type: 'running', runIds })),
      runs.onDidClear(() => void this.replay()),
      runs.onDidStart(({ runId, source }) => this.revealFor(runId, source)),
    );
  }

  get state(): RunPanelState {
    return { open: this.panel !== undefined, visible: this.panel?.visible ?? false, appliedEvents: this.applied.events, appliedRuns: this.applied.runs, bufferedEvents: this.ctx.runs.history.eventCount };
  }

  show(preserveFocus = false): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Code Mode Runs', { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, this.options());
    this.attach(panel);
  }

  /** Takes over a panel: a new one, or one VS Code restores after a window reload. */
  attach(panel: vscode.WebviewPanel): void {
    // A panel restored while another was opened: keep one.
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    this.ready = false;
    panel.iconPath = new vscode.ThemeIcon('debug-alt');
    panel.webview.options = this.options();
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((message: PanelToExtension) => {
      if (this.panel === panel) this.receive(message);
    });
    panel.onDidChangeViewState(() => {
      // Hidden, the page is gone; it says `ready` again when shown, and gets the history then.
      if (this.panel === panel && !panel.visible) this.ready = false;
    });
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.ready = false;
      this.applied = { events: 0, runs: 0 };
    });
  }

  /** Leaves the panel itself to VS Code, which closes it on shutdown and restores it after a reload. */
  dispose(): void {
    clearTimeout(this.flushTimer);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist')] };
  }

  private revealFor(runId: string, source: string): void {
    const setting = vscode.workspace.getConfiguration('codemode').get<RevealSetting>('revealRunPanel', 'editorRuns');
    const reveal = setting === 'allRuns' || (setting === 'editorRuns' && source === 'editor');
    if (!reveal) return;
    if (!this.panel?.visible) this.show(true);
    this.pendingSelect = runId;
    // The run's first events must reach the page before it is asked to select the run; a page
    // still loading gets the selection after its replay.
    this.flush();
    if (this.ready) {
      this.post({ type: 'select', runId });
      this.pendingSelect = undefined;
    }
  }

  private receive(message: PanelToExtension): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        void this.replay();
        break;
      case 'applied':
        this.applied = { events: message.events, runs: message.runs };
        break;
      case 'clear':
        this.ctx.runs.clear();
        break;
      case 'stop':
        this.ctx.runs.stop(message.runId);
        break;
      case 'rerun':
        this.ctx.runs.rerun(message.runId).catch((error: unknown) => this.report('re-run the script', error));
        break;
      case 'open-script':
        this.openScript(message.runId, message.line, message.column).catch((error: unknown) => this.report('open the script', error));
        break;
      case 'copy':
        void vscode.env.clipboard.writeText(message.text).then(() => vscode.window.setStatusBarMessage('Code Mode: copied the result', 2_000));
        break;
    }
  }

  private report(what: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.ctx.log.error(`Could not ${what}: ${message}`);
    void vscode.window.showErrorMessage(`Code Mode: could not ${what}: ${message}`);
  }

  /** Sends the whole history, replacing whatever the page shows. */
  private async replay(): Promise<void> {
    // The history of the last window may still be loading when the panel opens first.
    await this.ctx.runs.whenRestored();
    if (!this.ready) return;
    this.queue = [];
    this.post({ type: 'events', events: this.ctx.runs.history.events(), replace: true });
    this.post({ type: 'running', runIds: this.ctx.runs.runningIds() });
    if (this.pendingSelect) this.post({ type: 'select', runId: this.pendingSelect });
    this.pendingSelect = undefined;
  }

  private enqueue(events: readonly PanelEvent[]): void {
    if (!this.panel || !this.ready) return;
    this.queue.push(...events);
    this.flushTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) this.post({ type: 'events', events: batch });
  }

  private post(message: ExtensionToPanel): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  /** Opens the run's file (or, for a script that had none, an untitled copy) at a place. */
  private async openScript(runId: string, line?: number, column?: number): Promise<void> {
    const started = this.ctx.runs.history.started(runId);
    if (!started) return;
    let document: vscode.TextDocument;
    try {
      document = started.fileUri
        ? await vscode.workspace.openTextDocument(vscode.Uri.parse(started.fileUri))
        : await vscode.workspace.openTextDocument({ language: started.fileName?.endsWith('.js') ? 'javascript' : 'typescript', content: started.code });
    } catch (error) {
      // The file was moved or deleted since the run: show the script as it ran.
      this.ctx.log.info(`Opening the script as it ran: ${started.fileUri} cannot be opened (${error instanceof Error ? error.message : String(error)})`);
      document = await vscode.workspace.openTextDocument({ language: started.fileName?.endsWith('.js') ? 'javascript' : 'typescript', content: started.code });
    }
    const position = line !== undefined ? new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1)) : undefined;
    await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.One,
      selection: position ? new vscode.Range(position, position) : undefined,
    });
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const dist = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist');
    const asset = (...segments: string[]): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(dist, ...segments));
    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; font-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${asset('codicons', 'codicon.css')}">
  <link rel="stylesheet" href="${asset('webview.css')}">
  <title>Code Mode Runs</title>
</head>
<body>
  <main id="app"></main>
  <script nonce="${nonce}" src="${asset('webview.js')}"></script>
</body>
</html>`;
  }
}

const panels = new WeakMap<CodeModeContext, RunPanel>();

/** The panel, its command's target, and the serializer that brings it back after a reload. */
export function registerRunPanel(ctx: CodeModeContext): void {
  const panel = ctx.register(new RunPanel(ctx));
  panels.set(ctx, panel);
  ctx.register(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel) {
        await ctx.runs.whenRestored();
        panel.attach(webviewPanel);
      },
    }),
  );
}

export function showRunPanel(ctx: CodeModeContext): void {
  panels.get(ctx)?.show();
}

export function runPanelState(ctx: CodeModeContext): RunPanelState {
  return panels.get(ctx)?.state ?? { open: false, visible: false, appliedEvents: 0, appliedRuns: 0, bufferedEvents: 0 };
}
