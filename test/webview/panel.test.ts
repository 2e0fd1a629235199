// The run panel in a real chromium, under the extension's CSP, fed real traces (see traces.ts) the
// way VS Code delivers them. Needs the bundle: `node esbuild.mjs` first (npm run test:webview).
// One browser for the file; every test opens its own page and closes it.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PanelEvent } from '../../webview/protocol';
import { DIST, ROOT, codiconsBuilt, deliver, deliverEvents, launchBrowser, nextPosted, openPanel, posted, problems, settle, startServer, timedDelivery, type PanelServer } from './harness';
import { THEME_NAMES, THEMES, type ThemeName } from './themes';
import { BIG_CALLS, BIG_LAST_LOG, BIG_LOGS, FAILED_CALL_ERROR, FAILED_MESSAGE_START, FAILED_THROW_LINE, recordTraces, stillRunning, type Recordings } from './traces';

const SCREENSHOTS = path.join(ROOT, '.cache/screenshots');

let browser: Browser;
let server: PanelServer;
let runs: Recordings;
/** The parallel run, then the failed one (the newest). */
let history: PanelEvent[];
/** What went wrong in any page, by test, checked by the last test. */
const seenProblems: { test: string; problems: unknown }[] = [];

before(async () => {
  assert.ok(existsSync(path.join(DIST, 'webview.js')), 'dist/webview.js is missing: run `node esbuild.mjs` first');
  [browser, server, runs] = await Promise.all([launchBrowser(), startServer(), recordTraces()]);
  history = [...runs.parallel.events, ...runs.failed.events];
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens a panel, runs `body` with it, records the page's problems and always closes it. */
async function withPanel(name: string, theme: ThemeName, body: (page: Page) => Promise<void>): Promise<void> {
  const page = await openPanel(browser, server, theme);
  try {
    await body(page);
  } finally {
    const found = await problems(page);
    if (Object.values(found).some((list) => list.length > 0)) seenProblems.push({ test: name, problems: found });
    await page.close();
  }
}

/** A panel showing the recorded history, its newest run selected. */
function withHistory(name: string, body: (page: Page) => Promise<void>, theme: ThemeName = 'dark'): Promise<void> {
  return withPanel(name, theme, async (page) => {
    await deliverEvents(page, history, true);
    await body(page);
  });
}

const runItem = (page: Page, runId: string) => page.locator(`ul.run-list li.run-item[data-run-id="${runId}"]`);
const detail = (page: Page) => page.locator('section.run-detail');

async function selectRun(page: Page, runId: string): Promise<void> {
  await runItem(page, runId).click();
  await page.waitForSelector(`li.run-item[data-run-id="${runId}"][aria-selected="true"]`);
  await settle(page);
}

async function showTab(page: Page, tab: 'calls' | 'logs' | 'result' | 'script'): Promise<void> {
  await detail(page).locator(`[role=tablist] button[role=tab][data-tab="${tab}"]`).click();
  await page.waitForSelector(`section.run-detail [role=tabpanel][data-panel="${tab}"]:not([hidden])`);
  await settle(page);
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits until `selector` matches exactly `count` elements. */
async function waitForCount(page: Page, selector: string, count: number): Promise<void> {
  try {
    await page.waitForFunction(([css, n]) => document.querySelectorAll(css).length === n, [selector, count] as const, { timeout: 5_000 });
  } catch {
    assert.equal(await page.locator(selector).count(), count, `${selector} count`);
  }
}

function box(value: { x: number; y: number; width: number; height: number } | null, what: string) {
  assert.ok(value, `${what} has no box (not rendered or not visible)`);
  return { ...value, right: value.x + value.width, bottom: value.y + value.height };
}

describe('run list', () => {
  test('shows the runs newest first with their status, the newest selected', () =>
    withHistory('run list', async (page) => {
      const items = page.locator('ul.run-list[role=listbox][aria-label="Runs"] > li.run-item[role=option]');
      assert.deepEqual(await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-run-id'))), [runs.failed.runId, runs.parallel.runId]);
      assert.equal(await runItem(page, runs.failed.runId).getAttribute('aria-selected'), 'true');
      assert.equal(await runItem(page, runs.parallel.runId).getAttribute('aria-selected'), 'false');
      assert.match((await runItem(page, runs.failed.runId).getAttribute('class')) ?? '', /\bstatus-failed\b/);
      assert.match((await runItem(page, runs.parallel.runId).getAttribute('class')) ?? '', /\bstatus-ok\b/);
      assert.match(await text(page, 'section.run-detail .run-title'), /failing\.ts/);
    }));

  test('click, arrow keys and a select message change the selection', () =>
    withHistory('run list selection', async (page) => {
      await selectRun(page, runs.parallel.runId);
      assert.match(await text(page, 'section.run-detail .run-title'), /parallel\.ts/);

      await page.locator('ul.run-list').focus();
      await page.keyboard.press('ArrowUp');
      await page.waitForSelector(`li.run-item[data-run-id="${runs.failed.runId}"][aria-selected="true"]`);
      await page.keyboard.press('ArrowDown');
      await page.waitForSelector(`li.run-item[data-run-id="${runs.parallel.runId}"][aria-selected="true"]`);

      await deliver(page, { type: 'select', runId: runs.failed.runId });
      await page.waitForSelector(`li.run-item[data-run-id="${runs.failed.runId}"][aria-selected="true"]`);
      assert.equal(await page.locator('li.run-item[aria-selected="true"]').count(), 1);
    }));
});

describe('waterfall', () => {
  test('parallel calls overlap in time and the sequential call starts after them', () =>
    withHistory('waterfall overlap', async (page) => {
      await selectRun(page, runs.parallel.runId);
      // The calls tab is the one shown first.
      assert.equal(await page.locator('section.run-detail [role=tabpanel][data-panel="calls"]').getAttribute('hidden'), null);
      await waitForCount(page, '.waterfall .waterfall-rows[role=listbox] .call-row[role=option]', 4);
      assert.ok(await page.locator('.waterfall .waterfall-axis').isVisible(), 'the time axis is shown');

      const [fast, medium, slow] = runs.parallel.callIds('test-server.sleep');
      const [sum] = runs.parallel.callIds('test-server.get-sum');
      const bar = async (callId: number | undefined) => box(await page.locator(`.call-row[data-call-id="${callId}"] .call-track .call-bar`).boundingBox(), `call ${callId}'s bar`);
      const sleeps = [await bar(fast), await bar(medium), await bar(slow)];
      for (const a of sleeps) for (const b of sleeps) if (a !== b) assert.ok(a.x < b.right, `a parallel bar starting at ${a.x} starts before another ends at ${b.right}`);
      // Their lengths follow their durations (40, 120, 220 ms).
      assert.ok(sleeps[0]!.width < sleeps[1]!.width && sleeps[1]!.width < sleeps[2]!.width, `widths ${sleeps.map((s) => s.width).join(', ')} grow with duration`);
      const sequential = await bar(sum);
      const lastEnd = Math.max(...sleeps.map((s) => s.right));
      // A pixel of slack: the call starts within a millisecond of the slowest sleep's end.
      assert.ok(sequential.x >= lastEnd - 1, `the sequential call starts at ${sequential.x}, after the parallel ones end at ${lastEnd}`);

      assert.equal(await text(page, `.call-row[data-call-id="${fast}"] .call-name`), 'test-server.sleep');
      assert.equal(await text(page, `.call-row[data-call-id="${sum}"] .call-name`), 'test-server.get-sum');
      assert.match(await text(page, `.call-row[data-call-id="${slow}"] .call-duration`), /\d/);
      for (const id of [fast, medium, slow, sum]) assert.match((await page.locator(`.call-row[data-call-id="${id}"]`).getAttribute('class')) ?? '', /\bok\b/);
    }));

  test('selecting a call by click or keyboard shows its arguments and result', () =>
    withHistory('call detail', async (page) => {
      await selectRun(page, runs.parallel.runId);
      const [, , slow] = runs.parallel.callIds('test-server.sleep');
      await page.locator(`.call-row[data-call-id="${slow}"]`).click();
      await page.waitForSelector('.call-detail .call-args .json-tree');
      assert.match(await text(page, '.call-detail .call-args .json-tree'), /ms.*220/);
      assert.match(await text(page, '.call-detail .call-result .json-tree'), /slept.*220/);

      // The next row is the sequential get-sum call.
      await page.locator('.waterfall-rows').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /sum.*340/.test(document.querySelector('.call-detail .call-result .json-tree')?.textContent ?? ''));
      assert.match(await text(page, '.call-detail .call-args .json-tree'), /a.*120.*b.*220/);
    }));

  test('a failed call shows its error', () =>
    withHistory('failed call', async (page) => {
      const [failedCall] = runs.failed.callIds('test-server.fail');
      const row = page.locator(`.call-row[data-call-id="${failedCall}"]`);
      assert.match((await row.getAttribute('class')) ?? '', /\bfailed\b/);
      await row.click();
      await page.waitForSelector('.call-detail .call-error');
      assert.match(await text(page, '.call-detail .call-error'), new RegExp(FAILED_CALL_ERROR.replace(/[/.]/g, '\\$&')));
      assert.match(await text(page, '.call-detail .call-args .json-tree'), /message/);
    }));
});

describe('run error', () => {
  test('shows the error and opens the script at its line', () =>
    withHistory('run error', async (page) => {
      const error = runs.failed.result.error!;
      assert.equal(error.line, FAILED_THROW_LINE, 'the engine reports the throw line (a premise of this test)');
      await page.waitForSelector('section.run-detail .run-error');
      assert.equal(await text(page, '.run-error .run-error-name'), 'Error');
      assert.match(await text(page, '.run-error .run-error-message'), new RegExp(FAILED_MESSAGE_START));
      const location = page.locator('.run-error button.error-location');
      assert.match((await location.textContent()) ?? '', new RegExp(`${FAILED_THROW_LINE}`));
      const message = await nextPosted(page, 'open-script', () => location.click());
      assert.deepEqual(message, { type: 'open-script', runId: runs.failed.runId, line: FAILED_THROW_LINE, column: error.column });
    }));

  test('a run that succeeded shows no error', () =>
    withHistory('no run error', async (page) => {
      await selectRun(page, runs.parallel.runId);
      // Absent or hidden: either way, nothing of it is shown.
      assert.equal(await page.locator('section.run-detail .run-error').isVisible(), false);
    }));
});

describe('logs', () => {
  test('the text filter and level toggles narrow the lines', () =>
    withHistory('log filter', async (page) => {
      await selectRun(page, runs.parallel.runId);
      await showTab(page, 'logs');
      const logs = runs.parallel.result.logs;
      const warns = logs.filter((log) => log.level === 'warn').length;
      assert.ok(warns > 0 && logs.length > warns);
      await waitForCount(page, '.log-list .log-line', logs.length);
      assert.match(await text(page, '.log-count'), new RegExp(`\\b${logs.length}\\b`));

      const filter = page.locator('input.log-filter[type=search]');
      await filter.fill('gamma');
      await waitForCount(page, '.log-list .log-line', 1);
      assert.match(await text(page, '.log-line'), /source gamma ready/);
      assert.match(await text(page, '.log-count'), new RegExp(`\\b1 of ${logs.length}\\b`));
      await filter.fill('');
      await waitForCount(page, '.log-list .log-line', logs.length);

      const warnToggle = page.locator('button.level-toggle[data-level="warn"]');
      assert.equal(await warnToggle.getAttribute('aria-pressed'), 'true');
      await warnToggle.click();
      assert.equal(await warnToggle.getAttribute('aria-pressed'), 'false');
      await waitForCount(page, '.log-list .log-line', logs.length - warns);
      assert.equal(await page.locator('.log-line.level-warn').count(), 0);
      assert.match(await text(page, '.log-count'), new RegExp(`\\b${logs.length - warns} of ${logs.length}\\b`));
      await warnToggle.click();
      assert.equal(await warnToggle.getAttribute('aria-pressed'), 'true');
      await waitForCount(page, '.log-list .log-line', logs.length);
      assert.equal(await page.locator('.log-line.level-warn').count(), warns);
      for (const level of ['log', 'info', 'warn', 'error']) assert.equal(await page.locator(`button.level-toggle[data-level="${level}"]`).count(), 1, `a ${level} toggle`);
    }));
});

describe('result', () => {
  test('the JSON tree expands on click and the copy button posts the result', () =>
    withHistory('json tree', async (page) => {
      await selectRun(page, runs.parallel.runId);
      await showTab(page, 'result');
      const view = page.locator('section.run-detail .result-view');
      await view.locator('.json-tree').waitFor();
      // The root and its first level are open; `nested` (second level) is closed, hiding `deep`.
      for (const key of ['summary', 'timings', 'details', 'nested']) assert.ok(await view.locator('.json-key', { hasText: key }).first().isVisible(), `${key} is shown`);
      const deep = view.locator('.json-key', { hasText: 'deep' });
      assert.equal(await deep.first().isVisible().catch(() => false), false, 'deep is hidden until nested is expanded');

      const closed = view.locator('button.json-toggle[aria-expanded="false"]');
      const toggle = closed.first();
      assert.ok(await toggle.isVisible(), 'a closed container is shown');
      await toggle.click();
      await deep.first().waitFor({ state: 'visible' });
      // `deep` is itself closed: open it too, to reach its value.
      await view.locator('button.json-toggle[aria-expanded="false"]').first().click();
      await view.locator('.json-value', { hasText: 'hidden until expanded' }).first().waitFor({ state: 'visible' });
      assert.equal(await view.locator('button.json-toggle[aria-expanded="true"]').count() >= 6, true, 'root, three first-level, nested and deep are open');

      const copy = await nextPosted(page, 'copy', () => view.locator('button[data-action="copy-result"]').click());
      assert.deepEqual(JSON.parse(copy.text), runs.parallel.result.result);
    }));

  test('the script tab shows the code', () =>
    withHistory('script tab', async (page) => {
      await selectRun(page, runs.parallel.runId);
      await showTab(page, 'script');
      // What is read out: line numbers may be shown, hidden from assistive technology.
      const code = await page.locator('section.run-detail pre.script-view').evaluate((pre) => {
        const copy = pre.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
        return copy.textContent ?? '';
      });
      assert.equal(code.trim(), runs.parallel.code.trim());
    }));
});

describe('token account', () => {
  test('shows both totals from the tokens event and says it is an estimate', () =>
    withHistory('token account', async (page) => {
      for (const run of [runs.failed, runs.parallel]) {
        await selectRun(page, run.runId);
        const { account } = run.tokens;
        const tokens = page.locator('section.run-detail .token-account');
        await tokens.waitFor();
        assert.match(await text(page, '.token-account [data-side="code-mode"] .token-total'), new RegExp(`\\b${account.codeMode.total.toLocaleString('en-US')}\\b`));
        assert.match(await text(page, '.token-account [data-side="direct"] .token-total'), new RegExp(`\\b${account.direct.total.toLocaleString('en-US')}\\b`));
        assert.ok((await text(page, '.token-account .token-verdict')).length > 0, 'a verdict');
        assert.match((await tokens.textContent()) ?? '', /estimate/i);
      }
    }));
});

describe('a big run', () => {
  test('is virtualised: few rows in the DOM, the last log line reachable by scrolling', () =>
    withPanel('big run', 'dark', async (page) => {
      const big = runs.big;
      const started = performance.now();
      const inPage = await timedDelivery(page, big.events, true);
      await page.waitForSelector(`li.run-item[data-run-id="${big.runId}"][aria-selected="true"]`);
      await page.locator('.waterfall-rows .call-row').first().waitFor();
      await settle(page);
      const elapsed = performance.now() - started;
      // A figure to watch, not a bound: machines differ too much for one.
      console.log(`big run (${big.events.length} events: ${BIG_CALLS} calls, ${BIG_LOGS} logs): applied and rendered in ${Math.round(inPage)} ms in the page, ${Math.round(elapsed)} ms with the transfer from node`);
      const answer = (await posted(page)).filter((message) => message.type === 'applied').at(-1);
      assert.deepEqual(answer, { type: 'applied', events: big.events.length, runs: 1 });

      const callRows = await page.locator('.call-row').count();
      assert.ok(callRows > 0 && callRows < 200, `${callRows} call rows in the DOM`);
      // The last call is reachable by scrolling the rows.
      await page.locator('.waterfall-rows').evaluate((rows) => (rows.scrollTop = rows.scrollHeight));
      await page.locator(`.call-row[data-call-id="${BIG_CALLS}"]`).waitFor({ state: 'visible' });

      // Its direct side is past a thousand tokens: the total has a separator.
      assert.match(await text(page, '.token-account [data-side="direct"] .token-total'), new RegExp(big.tokens.account.direct.total.toLocaleString('en-US')));
      assert.ok(big.tokens.account.direct.total >= 1000);

      await showTab(page, 'logs');
      const logLines = await page.locator('.log-line').count();
      assert.ok(logLines > 0 && logLines < 300, `${logLines} log lines in the DOM`);
      assert.ok((await page.locator('.call-row').count()) < 200);
      assert.match(await text(page, '.log-count'), /10,?000/);

      const list = page.locator('.log-list');
      await list.evaluate((element) => (element.scrollTop = element.scrollHeight));
      const last = page.locator('.log-line', { hasText: BIG_LAST_LOG });
      await last.waitFor({ state: 'visible' });
      await settle(page);
      const lineBox = box(await last.boundingBox(), 'the last log line');
      const listBox = box(await list.boundingBox(), 'the log list');
      assert.ok(lineBox.y >= listBox.y - 1 && lineBox.bottom <= listBox.bottom + 1, `the last line (${lineBox.y}–${lineBox.bottom}) is inside the list (${listBox.y}–${listBox.bottom})`);
      assert.ok((await page.locator('.log-line').count()) < 300);
    }));
});

describe('actions', () => {
  test('rerun, open-script, stop (only while running) and clear post their messages', () =>
    withHistory('actions', async (page) => {
      await selectRun(page, runs.parallel.runId);
      const rerun = await nextPosted(page, 'rerun', () => detail(page).locator('button[data-action="rerun"]').click());
      assert.deepEqual(rerun, { type: 'rerun', runId: runs.parallel.runId });
      const open = await nextPosted(page, 'open-script', () => detail(page).locator('button[data-action="open-script"]').click());
      assert.equal(open.runId, runs.parallel.runId);
      assert.equal(open.line, undefined);
      assert.equal(await detail(page).locator('button[data-action="stop"]').isDisabled(), true, 'a finished run cannot be stopped');

      const live = stillRunning(runs.parallel);
      await deliverEvents(page, live.events);
      await page.waitForSelector(`li.run-item[data-run-id="${live.runId}"].status-running`);
      await selectRun(page, live.runId);
      await page.waitForSelector('.call-row.running');
      const stop = detail(page).locator('button[data-action="stop"]');
      assert.equal(await stop.isDisabled(), true, 'not stoppable before the extension says it runs');
      await deliver(page, { type: 'running', runIds: [live.runId] });
      await page.waitForSelector('section.run-detail button[data-action="stop"]:not([disabled])');
      const stopped = await nextPosted(page, 'stop', () => stop.click());
      assert.deepEqual(stopped, { type: 'stop', runId: live.runId });
      await deliver(page, { type: 'running', runIds: [] });
      await page.waitForSelector('section.run-detail button[data-action="stop"][disabled]');

      const clear = await nextPosted(page, 'clear', () => page.locator('header.toolbar button[data-action="clear"]').click());
      assert.deepEqual(clear, { type: 'clear' });
      // The extension answers a clear with an empty history.
      await deliverEvents(page, [], true);
      await waitForCount(page, 'li.run-item', 0);
    }));
});

describe('replay', () => {
  test('the same history delivered twice with replace shows each run once', () =>
    withPanel('replay', 'dark', async (page) => {
      const live = stillRunning(runs.parallel);
      const all = [...history, ...live.events];
      await deliverEvents(page, all, true);
      await deliverEvents(page, all, true);
      const ids = await page.locator('li.run-item').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-run-id')));
      assert.deepEqual(ids, [live.runId, runs.failed.runId, runs.parallel.runId]);
      const applied = (await posted(page)).filter((message) => message.type === 'applied').at(-1);
      assert.deepEqual(applied, { type: 'applied', events: all.length, runs: 3 });
      await selectRun(page, runs.parallel.runId);
      await waitForCount(page, '.call-row', runs.parallel.callIds('test-server.sleep').length + 1);
      await showTab(page, 'logs');
      await waitForCount(page, '.log-line', runs.parallel.result.logs.length);
    }));
});

describe('themes', () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const shots: [ThemeName, 'parallel' | 'failed', string][] = [
    ...THEME_NAMES.map((theme) => [theme, 'parallel', `panel-${theme}.png`] as [ThemeName, 'parallel', string]),
    ['dark', 'failed', 'panel-dark-failed.png'],
  ];
  for (const [theme, which, file] of shots) {
    test(`${theme} theme, ${which} run: applied, and photographed to .cache/screenshots/${file}`, () =>
      withHistory(`theme ${theme} ${which}`, async (page) => {
        await selectRun(page, runs[which].runId);
        const body = await page.evaluate(() => {
          let background = 'rgba(0, 0, 0, 0)';
          for (let node: Element | null = document.body; node; node = node.parentElement) {
            const value = getComputedStyle(node).backgroundColor;
            if (value !== 'rgba(0, 0, 0, 0)' && value !== 'transparent') {
              background = value;
              break;
            }
          }
          return { className: document.body.className, color: getComputedStyle(document.body).color, background };
        });
        assert.match(body.className, new RegExp(`\\b${THEMES[theme].bodyClass}\\b`));
        assert.notEqual(body.color, body.background, 'body text and its background differ');
        // The selected run stands out from the others (High Contrast has no selection background:
        // an outline or border must show it).
        const look = (runId: string) =>
          runItem(page, runId).evaluate((item) => {
            const style = getComputedStyle(item);
            return [style.backgroundColor, style.color, `${style.outlineStyle} ${style.outlineColor}`, style.borderColor].join(' | ');
          });
        const other = which === 'parallel' ? runs.failed : runs.parallel;
        assert.notEqual(await look(runs[which].runId), await look(other.runId), 'the selected run looks different');
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        if (codiconsBuilt()) {
          // The icons' font loaded under font-src (a blocked font leaves empty boxes, not an error).
          const faces = await page.evaluate(() => {
            const found: string[] = [];
            document.fonts.forEach((face) => found.push(`${face.family}:${face.status}`));
            return found;
          });
          assert.ok(faces.some((face) => /codicon.*:loaded$/.test(face)), `the codicon font loaded (${faces.join(', ')})`);
        }
        const target = path.join(SCREENSHOTS, file);
        await page.screenshot({ path: target });
        assert.ok(statSync(target).size > 10_000, `${file} is ${statSync(target).size} bytes`);
      }, theme));
  }
});

describe('content security policy', () => {
  test('no page saw a CSP violation, an uncaught error, a console error or a failed request', () => {
    assert.deepEqual(seenProblems, []);
  });
});
