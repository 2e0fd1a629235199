import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, eventually, workspaceUri } from './helpers';

// The run panel in the real workbench: a run from the editor opens it, its page receives and
// applies every event (the page reports what it applied), and the run's token account arrives.
describe('the run panel', () => {
  it('opens when a script runs from the editor, and its page applies every event of the run', async () => {
    const codemode = await api();
    const script = workspaceUri('scripts/panel-probe.ts');
    await vscode.workspace.fs.writeFile(
      script,
      new TextEncoder().encode(
        "const [a, b] = await Promise.all([fixture.slow({ ms: 200 }), fixture.echo({ value: 'x'.repeat(5000) })]);\nconsole.warn('both answered');\nawait fixture.fail({ message: 'expected' }).catch(() => {});\nreturn { echoed: b.value.length };\n",
      ),
    );
    const result = (await vscode.commands.executeCommand('codemode.runFile', script)) as { ok: boolean; result: unknown };
    assert.deepEqual([result.ok, result.result], [true, { echoed: 5000 }]);

    const run = await eventually('the run and its token account', () => codemode.runs().find((entry) => entry.title === 'panel-probe.ts' && entry.tokens));
    assert.equal(run.status, 'ok');
    assert.equal(run.calls, 3);
    // Direct calling would have read every tool definition of both servers and the 5,000-character echo twice over.
    assert.ok(run.tokens!.direct > run.tokens!.codeMode, JSON.stringify(run.tokens));

    const state = await eventually('the page to apply every buffered event', () => {
      const panel = codemode.runPanel();
      return panel.open && panel.appliedEvents > 0 && panel.appliedEvents === panel.bufferedEvents ? panel : undefined;
    });
    assert.ok(state.appliedRuns >= 1);
  });

  it('stops a running script from the Stop command', async () => {
    const codemode = await api();
    const document = await vscode.workspace.openTextDocument({ language: 'typescript', content: 'await fixture.slow({ ms: 20000 });\nreturn "not reached";\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(0, 0, 2, 0);
    const run = vscode.commands.executeCommand('codemode.runSelection') as Thenable<{ ok: boolean; error: { name: string } | null } | undefined>;
    const live = await eventually('the slow run to start', () => codemode.runs().find((entry) => entry.status === 'running' && entry.title === 'selection.ts'));
    await vscode.commands.executeCommand('codemode.stopRun', live.runId);
    const result = await run;
    assert.equal(result?.ok, false);
    assert.equal(result?.error?.name, 'CancelledError');
    await eventually('the stopped run to be recorded as failed', () => codemode.runs().find((entry) => entry.runId === live.runId && entry.status === 'failed'));
  });
});
