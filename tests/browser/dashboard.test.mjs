// dashboard.test.mjs: drives the live dashboard in Debian's chromium. Starts
// `truce serve` on the sample log (without the Kramatorsk incident), opens the
// board and the map, posts a signed report of Russian forces in Sloviansk (the
// buffer zone) from monitor:osce, and waits — without reloading — for point
// 21d to turn violated for RU and for the report's marker to appear.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TRUCE = process.env.TRUCE || join(ROOT, 'build/truce');
const PLAN = join(ROOT, 'plans/ukraine-2025-11/plan.truce');
const ARTIFACTS = join(ROOT, 'tests/artifacts');
const work = mkdtempSync(join(tmpdir(), 'truce-browser-'));
let server, browser, base;

const sign = (text) =>
  execFileSync('bash', [join(ROOT, 'tools/demo.sh'), 'sign', join(work, 'keys')], { input: text, env: { ...process.env, TRUCE } })
    .toString();

function startServer() {
  return new Promise((ready, fail) => {
    server = spawn(TRUCE, ['serve', '--agreement', PLAN, '--log', join(work, 'log.db'), '--listen', '127.0.0.1:0',
      '--council-key', join(work, 'keys/council.key')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk) => {
      stderr += chunk;
      const m = stderr.match(/on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m && !base) { base = m[1]; ready(); }
    });
    server.on('exit', (code) => { if (!base) fail(new Error(`truce serve exited ${code}: ${stderr}`)); });
  });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  execFileSync('bash', [join(ROOT, 'tools/demo.sh'), 'keys', join(work, 'keys')], { env: { ...process.env, TRUCE } });
  const sample = readFileSync(join(ROOT, 'plans/ukraine-2025-11/reports/sample.jsonl'), 'utf8')
    .split('\n').filter((line) => line.trim() && !line.includes('ua-0202')).join('\n') + '\n';
  writeFileSync(join(work, 'base.jsonl'), sign(sample));
  execFileSync(TRUCE, ['log', 'append', '--log', join(work, 'log.db'), '--agreement', PLAN,
    '--key', join(work, 'keys/council.key'), join(work, 'base.jsonl')], { stdio: 'ignore' });
  await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
  }
  rmSync(work, { recursive: true, force: true });
});

// The class of the board cell of point 21d for RU (the second party column).
const cellOf21dRU = (page) =>
  page.locator('table.board tr:has(a[href="/point/21d"]) td.cell').nth(1).getAttribute('class');

test('a violating report turns 21d red on the live board and puts a marker on the map', async () => {
  const board = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  const map = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await board.goto(`${base}/`);
  await map.goto(`${base}/map`);
  assert.match(await cellOf21dRU(board), /st-in-effect/);
  const marker = 'a.marker[href="/evidence/monitor:osce/osce-9001"]';
  assert.equal(await map.locator(marker).count(), 0);
  await board.screenshot({ path: join(ARTIFACTS, 'board-before.png'), fullPage: true });
  // Marks the documents: a reload would lose the marks.
  await board.evaluate(() => { window.truceNotReloaded = true; });
  await map.evaluate(() => { window.truceNotReloaded = true; });

  const report = sign('{"id":"osce-9001","source":"monitor:osce","time":"2026-04-21T08:00:00Z","kind":"forces.present",'
    + '"actor":"RU","at":[37.61,48.85],"value":300,"note":"Russian company in Sloviansk"}\n');
  const answer = await (await fetch(`${base}/v1/reports`, { method: 'POST', body: report })).json();
  assert.equal(answer.results[0].status, 'accepted');

  await board.waitForFunction(() => {
    const row = document.querySelector('table.board tr:has(a[href="/point/21d"])');
    return row && row.querySelectorAll('td.cell')[1].classList.contains('st-violated');
  }, null, { timeout: 15000 });
  assert.equal(await board.evaluate(() => window.truceNotReloaded), true, 'the board refreshed without a reload');
  await board.screenshot({ path: join(ARTIFACTS, 'board-after.png'), fullPage: true });

  await map.waitForSelector(marker, { timeout: 15000 });
  assert.equal(await map.evaluate(() => window.truceNotReloaded), true, 'the map refreshed without a reload');
  await map.screenshot({ path: join(ARTIFACTS, 'map-after.png'), fullPage: true });
  await board.close();
  await map.close();
});
