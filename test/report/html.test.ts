/**
 * The HTML report without a browser: the same input gives the same bytes, every
 * counterexample of the input gets its step-through section, hostile names and
 * explanations stay text, and traces rebuilt from paths give the same page.
 * (test/browser/html-report.test.ts opens the page in Chromium.)
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import type { CheckResult, TraceStep, Violation } from '../../src/check/result.js';
import { buildTarget, listProperties } from '../../src/catalog.js';
import { computeMatrix } from '../../src/matrix.js';
import { counterexamplesOf, escapeHtml, formatHtml, scriptJson } from '../../src/report/html.js';
import { withTraces } from '../../src/report/html-traces.js';
import { toyTarget } from '../fixtures/toy.js';

const HOSTILE = `</script><img src=x onerror="alert(1)">'&`;

/** copy-mixed on linux-4.5 (first violation, 6 steps) and tx-sibling on linux-3.10 with every violation. */
function runs(): CheckResult[] {
  return [bfs(buildTarget('linux-4.5', 'copy-mixed')), bfs(buildTarget('linux-3.10', 'tx-sibling'), { allViolations: true }), bfs(buildTarget('linux-4.5', 'tx-sibling'))];
}

/** The JSON block's text, and the number of script blocks the page has. */
function dataOf(html: string): { json: string; scripts: number } {
  const open = '<script type="application/json" id="nlring-data">';
  const start = html.indexOf(open) + open.length;
  return { json: html.slice(start, html.indexOf('</script>', start)), scripts: html.split('<script').length - 1 };
}

interface Packed {
  readonly r: [number, number[]][];
  readonly s: number;
  readonly t: number[];
  readonly l: string | null;
}
interface PageData {
  readonly pool: unknown[];
  readonly counterexamples: { steps: number; packed?: boolean; views: Packed[]; texts?: string[] }[];
}

/** What the page's script does with a packed view (html-assets.ts, unpack). */
function unpack(data: PageData, p: Packed): unknown {
  const at = (i: number) => data.pool[i];
  return { rings: p.r.map(([m, fs]) => ({ ...(at(m) as object), frames: fs.map(at) })), socket: at(p.s), threads: p.t.map(at), idLock: p.l };
}

const sections = (html: string) => [...html.matchAll(/<section class="cx" id="(cx-\d+)"[^>]*data-property="([^"]*)" data-variant="([^"]*)" data-scenario="([^"]*)"/g)];

describe('formatHtml', () => {
  const results = runs();

  it('gives byte-identical pages for the same runs (no dates, no wall times)', () => {
    const again = runs();
    expect(again.map((r) => r.seconds)).not.toEqual([-1, -1, -1]);
    const a = formatHtml({ version: '0.1.0', results, settings: [['engine', 'bfs']] });
    const b = formatHtml({ version: '0.1.0', results: again, settings: [['engine', 'bfs']] });
    expect(b).toBe(a);
    expect(a).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
  });

  it('has a section for every violation with a trace, each step in its lane with its citation, the last one marked', () => {
    const html = formatHtml({ version: '0.1.0', results });
    expect(results.map((r) => r.verdict)).toEqual(['fail', 'fail', 'pass']);
    const failed = results.filter((r) => r.verdict === 'fail');
    const expected = failed.flatMap((r) => (r.violations ?? [r.violation!]).map((v) => [r.variant, r.scenario, v.property]));
    expect(expected.length).toBeGreaterThan(2); // copy-mixed's first, and every one of linux-3.10 tx-sibling
    expect(sections(html).map((m) => [m[3], m[4], m[2]])).toEqual(expected);
    expect(counterexamplesOf(results).length).toBe(expected.length);
    expect(html).toContain('<td class="v-pass" data-variant="linux-4.5" data-scenario="tx-sibling"><span class="verdict">PASS</span>');

    // copy-mixed: 6 steps, kernel steps of plain and consumer, the consumer's look in the user lane.
    const cx = html.slice(html.indexOf('<section class="cx" id="cx-1"'), html.indexOf('</section>'));
    const v = results[0].violation!;
    expect(v.property).toBe('POLL-IN-AT-CURSOR');
    expect(cx).toContain('data-violation="6"');
    expect([...cx.matchAll(/<li data-step="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const t of v.trace.slice(1)) {
      expect(cx).toContain(`<div class="cite">${escapeHtml(t.step!.cites)}</div>`);
      const lane = t.step!.lane === 'kernel' ? 'lane-k' : 'lane-u';
      // A kernel step in a userspace thread's name is that thread inside a system call, and says so.
      const insys = t.step!.lane === 'kernel' && t.step!.actor === 'consumer' ? ' <span class="insys">(in syscall)</span>' : '';
      expect(cx).toContain(`<div class="${lane}"><span class="actor">${t.step!.actor}${insys}</span>`);
    }
    expect(cx).toContain('<span class="actor">consumer <span class="insys">(in syscall)</span></span>poll: datagram_poll');
    expect(cx).not.toContain('<span class="actor">plain <span class="insys">');
    // The poll that breaks the property says what it returned, under its step and only there.
    expect(cx.match(/<div class="ret">/g)).toHaveLength(1);
    expect(cx).toMatch(/<li data-step="6"[^]*<div class="ret">poll returned <span class="chip">POLLIN\|POLLOUT<\/span> to consumer<\/div>/);
    // The threads and their programs introduce the names; a short trace's step list does not scroll.
    expect(cx).toContain('<p class="intro"><b>Threads:</b> <b>ring</b>, <b>plain</b> and <b>mcast</b>: producer (');
    expect(cx).toContain('; <b>consumer</b> (the userspace program reading this socket');
    expect(cx).toContain('<ol class="steps"><li class="head">');
    expect(cx).not.toContain('class="more"');
    // The explanation says how long the consumer spins.
    expect(v.explanation).toContain('polls again and spins until plain writes COPY into rx frame 0 (the longer plain is delayed or preempted, the longer it spins)');
    expect(cx).toMatch(/<li data-step="4" data-lane="user"><div class="n">4<\/div><div class="lane-k"><\/div><div class="lane-u"><span class="actor">consumer<\/span>rx frame 0 is UNUSED: poll/);
    expect(cx).toMatch(/<li data-step="6" data-lane="kernel" class="violating">[^]*\u2717 POLL-IN-AT-CURSOR is violated/);
    expect(cx).toContain(escapeHtml(v.doc));
    if (v.explanation) expect(cx).toContain(escapeHtml(v.explanation));

    // The views the script draws from: one per state, each as it was once unpacked, the claimed frame among them.
    const data = JSON.parse(dataOf(html).json) as PageData;
    expect(data.counterexamples.map((c) => c.steps)).toEqual(failed.flatMap((r) => (r.violations ?? [r.violation!]).map((x) => x.steps.length)));
    expect(data.counterexamples.every((c) => c.packed)).toBe(true);
    const views = data.counterexamples[0].views.map((p) => unpack(data, p));
    expect(views).toEqual(v.trace.map((t) => t.view));
    expect((views[6] as { rings: { frames: { holder: unknown }[] }[] }).rings[0].frames[0].holder).toEqual({ thread: 'plain', how: 'claimed' });
    // Each distinct frame, thread, socket and ring is stored once.
    expect(new Set(data.pool.map((x) => JSON.stringify(x))).size).toBe(data.pool.length);
    // The verdict table links each failure to its section.
    expect(html).toContain('<a href="#cx-1">POLL-IN-AT-CURSOR after 6 steps</a>');
  });

  it('opens each counterexample with its scenario\'s description when given one, escaped', () => {
    const plain = formatHtml({ version: '0.1.0', results });
    expect(plain).not.toContain('<b>Scenario ');
    const html = formatHtml({ version: '0.1.0', results, scenarioDescriptions: { 'copy-mixed': 'COPY frames <mixed>', 'tx-sibling': 'a sibling' } });
    const cx = html.slice(html.indexOf('<section class="cx" id="cx-1"'), html.indexOf('</section>'));
    expect(cx).toMatch(/<\/h3>\n<p class="intro"><b>Scenario copy-mixed:<\/b> COPY frames &lt;mixed&gt;\.<\/p>\n<p class="intro"><b>Threads:/);
    expect(html.split('<b>Scenario tx-sibling:</b> a sibling.').length - 1).toBe(sections(html).filter((m) => m[4] === 'tx-sibling').length);
  });

  it('lets a long step list scroll, with a hint of the steps below it, and shows a short one whole', () => {
    // copy-mixed's 6 steps repeated five times: a 30-step trace (the page does not re-check it).
    const v = results[0].violation!;
    const trace = [v.trace[0], ...Array.from({ length: 5 }, () => v.trace.slice(1)).flat()];
    const long = { variant: 'linux-4.5', scenario: 'long', violation: { ...v, trace, path: 'long' }, replay: 'replay' };
    const html = formatHtml({ version: '0.1.0', results: [results[0]], counterexamples: [long] });
    expect([...html.matchAll(/<ol class="(steps[^"]*)">/g)].map((m) => m[1])).toEqual(['steps', 'steps long']);
    expect(html.split('<div class="more" aria-live="polite"></div>').length - 1).toBe(1);
    expect(html).toContain('data-violation="30"');
  });

  it('shows counterexamples given on their own, and each one once when also given by its run', () => {
    const given = counterexamplesOf(results);
    const alone = formatHtml({ version: '0.1.0', counterexamples: given });
    expect(sections(alone).map((m) => m[2])).toEqual(given.map((c) => c.violation.property));
    expect(alone).not.toContain('Verdicts: scenarios by variants'); // no runs, no table
    const both = formatHtml({ version: '0.1.0', results, counterexamples: given });
    expect(both).toBe(formatHtml({ version: '0.1.0', results }));
  });

  it('escapes hostile variant, scenario, thread names, explanations and citations', () => {
    const r = results[0];
    const v = r.violation!;
    const hostileView = (t: TraceStep): TraceStep => ({
      ...t,
      step: t.step ? { ...t.step, cites: HOSTILE, actor: HOSTILE } : undefined,
      view: JSON.parse(JSON.stringify(t.view).replaceAll('"plain"', JSON.stringify(HOSTILE))),
    });
    const bad: Violation = { ...v, explanation: HOSTILE, doc: HOSTILE, trace: v.trace.map(hostileView) };
    const hostile: CheckResult = { ...r, variant: HOSTILE, scenario: `<b onmouseover=x>${HOSTILE}`, violation: bad, replay: HOSTILE };
    const html = formatHtml({ version: HOSTILE, title: HOSTILE, results: [hostile], settings: [[HOSTILE, HOSTILE]], notices: [HOSTILE] });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b onmouseover');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;');
    // Two script blocks, each closed once: the hostile text closed none of them.
    const { json, scripts } = dataOf(html);
    expect(scripts).toBe(2);
    expect(html.split('</script>').length - 1).toBe(2);
    expect(json).not.toMatch(/[<>&]/);
    expect(JSON.stringify(JSON.parse(json))).toContain(JSON.stringify(HOSTILE).slice(1, -1));
    expect(scriptJson('</script>\u2028')).toBe('"\\u003c/script\\u003e\\u2028"');
  });

  it('allows no network and only its own script and style (Content-Security-Policy by hash)', () => {
    const html = formatHtml({ version: '0.1.0', results });
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; img-src data:; style-src &#39;sha256-[A-Za-z0-9+/=]+&#39;; script-src &#39;sha256-[A-Za-z0-9+/=]+&#39;/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('draws a matrix: properties by variants, failures linked to their counterexamples', () => {
    const source = { listProperties, buildTarget };
    const m = computeMatrix(source, ['linux-3.10', 'linux-4.5'], ['tx-sibling']);
    const html = formatHtml({ version: '0.1.0', matrix: m });
    expect(html).toContain('Variant matrix: properties by variants');
    const row = html.slice(html.indexOf('<tr><th scope="row">NOTOCTOU-TX-LEN</th>'));
    expect(row).toMatch(/^<tr><th scope="row">NOTOCTOU-TX-LEN<\/th><td class="v-fail"><a href="#(cx-\d+)">FAIL 7 \(1\/1\)<\/a>[^]*?<td class="v-pass">pass \(1\)<\/td><\/tr>/);
    const anchor = /href="#(cx-\d+)">FAIL 7/.exec(row)![1];
    expect(html).toMatch(new RegExp(`<section class="cx" id="${anchor}"[^>]*data-property="NOTOCTOU-TX-LEN" data-variant="linux-3.10"`));
  });

  it('shows runs without traces in the table only, and withTraces rebuilds the same page from their paths', () => {
    const bare = (r: CheckResult): CheckResult => {
      const strip = (v: Violation): Violation => ({ ...v, trace: [], explanation: undefined });
      return { ...r, ...(r.violation ? { violation: strip(r.violation) } : {}), ...(r.violations ? { violations: r.violations.map(strip) } : {}) };
    };
    const stripped = results.map(bare);
    const html = formatHtml({ version: '0.1.0', results: stripped });
    expect(sections(html)).toEqual([]);
    expect(html).toContain('<li>POLL-IN-AT-CURSOR after 6 steps</li>');
    const rebuilt = stripped.map((r) => withTraces(r, buildTarget(r.variant, r.scenario)));
    expect(formatHtml({ version: '0.1.0', results: rebuilt })).toBe(formatHtml({ version: '0.1.0', results }));
  });

  it('falls back to the text drawings for a spec without structured views', () => {
    const r = bfs(toyTarget({ bug: [1, 1] }));
    const html = formatHtml({ version: '0.1.0', results: [r] });
    expect(html).toContain('<pre class="fallback"></pre>');
    const data = JSON.parse(dataOf(html).json) as PageData;
    expect(data.counterexamples[0].texts).toEqual(r.violation!.trace.map((t) => t.state));
    // The toy's planted doc has markup characters: escaped.
    expect(html).toContain('The pair never equals the planted bug &lt;a &amp; &quot;b&quot;&gt;.');
  });
});
