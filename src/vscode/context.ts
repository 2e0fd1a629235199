// The one object a feature receives: it owns the extension's disposables, its logger, the
// script runner and the runs made with it, so features register themselves without reaching for globals.

import * as vscode from 'vscode';
import { ScriptRunner } from '../core/run/runner';
import { DeclarationWriter } from './declarations';
import { RunService } from './runs';
import { ServerManager } from './servers';

export class CodeModeContext implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly runner = new ScriptRunner();
  readonly servers: ServerManager;
  readonly declarations: DeclarationWriter;
  /** Every script run of this window, whoever started it, and their history. */
  readonly runs: RunService;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.register(vscode.window.createOutputChannel('Code Mode', { log: true }));
    this.register({ dispose: () => this.runner.dispose() });
    this.servers = new ServerManager(this);
    this.register({ dispose: () => void this.servers.dispose() });
    this.declarations = this.register(new DeclarationWriter(this));
    this.runs = this.register(new RunService(this));
  }

  register<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }
}
