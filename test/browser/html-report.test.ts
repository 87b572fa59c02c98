/**
 * The HTML report in a real browser: Debian's Chromium at /usr/bin/chromium, driven by
 * playwright-core (which downloads no browser). The page is opened from file://, as a
 * reader opens reports/index.html. The test steps copy-mixed on linux-4.5 with the
 * keyboard to its violation and checks what the reader must see there (frame 0 of the
 * RX ring claimed for a COPY by `plain`, the property POLL-IN-AT-CURSOR), that next and
 * previous redraw the rings, that another counterexample is reachable by key, and that
 * the page logged no error and asked for nothing over the network, and that hostile names
 * (markup in a variant, scenario or thread name) stay text in the browser. It keeps a screenshot
 * in test-artifacts/html-report.png (CI keeps it as an artefact).
 *
 * Without /usr/bin/chromium the test is skipped, saying so, unless NLRING_REQUIRE_BROWSER=1
 * (set by .ci/run, which installs the package), when its absence fails the run.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bfs } from '../../src/check/bfs.js';
import { buildTarget, listScenarios } from '../../src/catalog.js';
import { formatHtml, scenarioDescriptionsOf } from '../../src/report/html.js';

/** Debian's package; NLRING_CHROMIUM names another binary (and lets the skip and require paths be tried). */
const CHROMIUM = process.env.NLRING_CHROMIUM ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
const required = process.env.NLRING_REQUIRE_BROWSER === '1';
const ROOT = new URL('../../', import.meta.url).pathname;
const SCREENSHOT = join(ROOT, 'test-artifacts', 'html-report.png');

if (!present) {
  const what = required ? 'fails (NLRING_REQUIRE_BROWSER=1)' : 'is skipped';
  process.stderr.write(`test/browser: ${CHROMIUM} not found, the HTML report's browser test ${what}; install Debian's chromium package (.ci/run does)\n`);
}

describe('HTML report in Chromium', () => {
  it.runIf(!present && required)(`needs ${CHROMIUM} (NLRING_REQUIRE_BROWSER=1)`, () => {
    throw new Error(`${CHROMIUM} is missing but NLRING_REQUIRE_BROWSER=1: install Debian's chromium package (apt-get install chromium)`);
  });
});

describe.skipIf(!present)(`HTML report in Chromium (${present ? CHROMIUM : `skipped: ${CHROMIUM} not found`})`, () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let url: string;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nlring-html-'));
    const results = [bfs(buildTarget('linux-4.5', 'copy-mixed')), bfs(buildTarget('linux-3.10', 'tx-sibling'), { allViolations: true })];
    const file = join(dir, 'index.html');
    writeFileSync(file, formatHtml({ version: 'test', results, settings: [['engine', 'bfs']], scenarioDescriptions: scenarioDescriptionsOf(listScenarios()) }));
    url = pathToFileURL(file).href;
    // playwright starts Chromium with a fresh profile directory of its own (--user-data-dir), removed on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // This machine and CI runners may have no network: no background connections, no sandbox (root in a container).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(pathToFileURL(dir).href + '/') || !r.url().endsWith('.html')) requests.push(r.url());
    });
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cx = '[data-scenario="copy-mixed"][data-property="POLL-IN-AT-CURSOR"]';
  const rings = () => page.locator(`${cx} svg.rings`).innerHTML();
  const step = async () => Number(await page.locator(cx).getAttribute('data-step'));

  it('steps copy-mixed on linux-4.5 with the keyboard to its violation, where frame 0 is claimed for a COPY by plain', async () => {
    await page.locator(`${cx} h3`).click(); // choose this counterexample: the keys act on it
    await page.keyboard.press('Home');
    expect(await step()).toBe(0);
    const violation = Number(await page.locator(cx).getAttribute('data-violation'));
    expect(violation).toBe(6);
    const drawings: string[] = [await rings()];
    while ((await step()) < violation) {
      await page.keyboard.press((await step()) % 2 === 0 ? 'ArrowRight' : 'j');
      drawings.push(await rings());
    }
    expect(drawings.length).toBe(violation + 1);
    // The claim (step 3) redraws the ring; before it frame 0 is free.
    const frame0 = `${cx} svg.rings g.frame[data-ring="rx"][data-index="0"]`;
    expect(drawings[3]).not.toBe(drawings[2]);
    expect(drawings[2]).toContain('data-index="0" data-status="UNUSED" data-holder="none"');
    // In the claim only the kernel head moved onto frame 1: its K marker is outlined, not the frame (frame 0, claimed, is).
    expect(drawings[3]).toMatch(/data-index="0"[^>]*data-changed="true"/);
    expect(drawings[3]).toMatch(/data-index="1" data-status="UNUSED" data-holder="none" data-holder-thread="" data-head-moved="true">/);

    // At the violation: the step is current and marked, the frame is claimed and says by whom.
    await expect.poll(() => page.locator(`${cx} li[data-step="6"]`).getAttribute('class')).toBe('violating current');
    const frame = page.locator(frame0);
    expect(await frame.getAttribute('data-status')).toBe('UNUSED');
    expect(await frame.getAttribute('data-holder')).toBe('claimed');
    expect(await frame.getAttribute('data-holder-thread')).toBe('plain');
    const text = await frame.textContent();
    expect(text).toContain('claimed for COPY');
    expect(text).toContain('by plain');
    expect(text).toContain('cursor of consumer');
    // Ids are left out of copy-mixed's check (nothing it checks reads them), so the tag stands alone.
    expect(text).toContain('queued skb: m3claimed');
    expect(await page.locator(`${cx} g.frame[data-ring="rx"][data-index="1"]`).getAttribute('data-holder')).toBe('none');
    // The property: its id in the banner shown at this step, the receive queue with m3 for frame 0.
    const banner = page.locator(`${cx} .violated`);
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('This state violates POLL-IN-AT-CURSOR');
    expect(await page.locator(`${cx} .prop .pid`).first().textContent()).toBe('POLL-IN-AT-CURSOR');
    expect(await page.locator(`${cx} .rq li`).allTextContents()).toEqual(['m3 \u2192 its COPY frame: rx frame 0']);
    // What poll returned, in the threads table and under the violating step, and the poll's kernel steps in the consumer's name.
    const consumer = page.locator(`${cx} .threads tr[data-thread="consumer"]`);
    expect(await consumer.getAttribute('data-poll')).toBe('POLLIN|POLLOUT');
    expect(await consumer.textContent()).toContain('POLLIN|POLLOUT');
    expect(await page.locator(`${cx} .threads tr[data-thread="plain"]`).getAttribute('data-poll')).toBeNull();
    expect(await page.locator(`${cx} li[data-step="6"] .ret`).textContent()).toBe('poll returned POLLIN|POLLOUT to consumer');
    expect(await page.locator(`${cx} li[data-step="6"] .actor`).textContent()).toBe('consumer (in syscall)');
    expect(await page.locator(`${cx} li[data-step="4"] .actor`).textContent()).toBe('consumer');
    // The scenario and its threads are introduced above the property.
    const intro = page.locator(`${cx} p.intro`);
    expect(await intro.first().isVisible()).toBe(true);
    expect(await intro.first().textContent()).toBe(`Scenario copy-mixed: ${listScenarios().find((x) => x.id === 'copy-mixed')!.description}.`);
    expect(await intro.nth(1).textContent()).toMatch(/^Threads: ring, plain and mcast: producer \(.*\); consumer \(the userspace program/);
    // The whole step list shows (no scroll box for 6 steps): the violating step is in view.
    const list = page.locator(`${cx} ol.steps`);
    expect(await list.evaluate((ol) => ol.scrollHeight <= ol.clientHeight + 1)).toBe(true);
    expect(await page.locator(`${cx} li[data-step="6"]`).isVisible()).toBe(true);
    // Socket fields that never change are hidden until asked for: copy-mixed changes only rmem.
    const sock = page.locator(`${cx} .sock li`);
    expect(await sock.allTextContents()).toEqual(['rmem (ordinary skbs charged): 1']);
    await page.locator(`${cx} .sock button.toggle`).click();
    expect(await sock.count()).toBe(10);
    await page.locator(`${cx} .sock button.toggle`).click();
    expect(await sock.count()).toBe(1);
    // The legend dims what this counterexample never shows (no VALID frame here), and its entries keep a readable width.
    const dimmed = (sym: string) => page.locator(`#legend > div[data-sym="${sym}"]`).evaluate((d) => d.classList.contains('absent'));
    expect(await dimmed('st-VALID')).toBe(true);
    expect(await dimmed('queued')).toBe(false);
    expect(await dimmed('poll')).toBe(false);
    const queued = await page.locator('#legend > div[data-sym="queued"] > span:last-child').boundingBox();
    expect(queued!.width).toBeGreaterThan(180);

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    // Tall enough for the whole section: a taller one than the viewport would be shot in parts, under the sticky buttons.
    await page.setViewportSize({ width: 1400, height: 1800 });
    await page.locator(cx).screenshot({ path: SCREENSHOT });
    await page.setViewportSize({ width: 1400, height: 1000 });

    // Previous redraws the state before, next goes back to the violation.
    await page.keyboard.press('k');
    expect(await step()).toBe(5);
    expect(await banner.isVisible()).toBe(false);
    expect(await page.locator(`${cx} .steps li.current`).getAttribute('data-step')).toBe('5');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await rings()).toBe(drawings[3]);
    await page.keyboard.press('ArrowLeft');
    expect(await rings()).toBe(drawings[2]);
    // The buttons do the same, and v jumps to the violation from anywhere.
    await page.locator(`${cx} button[data-act="next"]`).click();
    expect(await step()).toBe(3);
    await page.keyboard.press('Home');
    await page.keyboard.press('v');
    expect(await step()).toBe(6);
  });

  it('reaches the next counterexample (tx-sibling on linux-3.10) with ] and jumps to its violation', async () => {
    await page.locator(`${cx} h3`).click();
    await page.keyboard.press(']');
    const next = page.locator('section.cx.active');
    expect(await next.getAttribute('data-scenario')).toBe('tx-sibling');
    expect(await next.getAttribute('data-variant')).toBe('linux-3.10');
    const property = await next.getAttribute('data-property');
    expect(await next.getAttribute('data-step')).toBe('0');
    await page.keyboard.press('v');
    expect(await next.getAttribute('data-step')).toBe(await next.getAttribute('data-violation'));
    expect(await next.locator('.violated').textContent()).toContain(`This state violates ${property}`);
    // The TX ring is drawn: the sibling rewrote nm_len of tx frame 0.
    expect(await next.locator('svg.rings g.frame[data-ring="tx"][data-index="0"]').count()).toBe(1);
  });

  it('shows hostile names as text: no element, no script, no request comes from them', async () => {
    const hostile = '</script><img src=x onerror="window.pwned=1"><b id="bold">';
    const r = bfs(buildTarget('linux-4.5', 'copy-mixed'));
    const v = r.violation!;
    // The names as a scenario or patch file could set them: the variant, the scenario, a thread (in every view) and the explanation.
    const trace = v.trace.map((t) => ({ ...t, view: JSON.parse(JSON.stringify(t.view).replaceAll('"plain"', JSON.stringify(hostile))) }));
    const bad = { ...r, variant: hostile, scenario: hostile, violation: { ...v, explanation: hostile, trace } };
    const file = join(dir, 'hostile.html');
    writeFileSync(file, formatHtml({ version: hostile, results: [bad] }));
    await page.goto(pathToFileURL(file).href);
    const section = page.locator('section.cx').first();
    await section.locator('h3').click();
    await page.keyboard.press('v');
    expect(await page.locator('img, #bold').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await section.locator('g.frame[data-index="0"]').getAttribute('data-holder-thread')).toBe(hostile);
    expect(await section.locator('h3').textContent()).toContain(hostile);
    await page.goto(url); // back to the report the other tests read
  });

  it('logged no error and made no network request', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });
});
