/**
 * The counterexample timeline (report/timeline.ts) on real counterexamples of the
 * catalogue, found by bfs: lanes, only what changed, who holds each frame, grouped
 * quiet steps, the marked violation with its explanation and frame history,
 * --verbose, --cite, colour only when asked, JSON carrying citations, views and
 * explanations, and the same bytes every run.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { replay } from '../../src/check/replay.js';
import { buildTarget } from '../../src/catalog.js';
import * as catalog from '../../src/catalog.js';
import { formatReplayText, formatText } from '../../src/report/text.js';
import { formatJson, formatReplayJson } from '../../src/report/json.js';
import { traceLines } from '../../src/report/trace.js';
import { frameHistory, timelineLines } from '../../src/report/timeline.js';
import { run } from '../../src/cli/run.js';
import { liveness } from '../../src/check/liveness.js';
import { formatLivenessText } from '../../src/report/liveness.js';
import { readFileSync } from 'node:fs';
import { simulate } from '../../src/check/simulate.js';
import { mergeReports, parseReport } from '../../src/check/merge.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

const copyMixed = bfs(buildTarget('linux-4.5', 'copy-mixed'));
const setup = bfs(buildTarget('linux-4.5', 'setup-concurrent'));

/** The report from the counterexample on (the first lines carry timings). */
const fromCounterexample = (text: string) => text.slice(text.indexOf('counterexample:'));

describe('timeline', () => {
  it('shows who claimed the frame at the cursor and why poll said POLLIN (copy-mixed, linux-4.5)', () => {
    const v = copyMixed.violation!;
    expect(v.property).toBe('POLL-IN-AT-CURSOR');
    const text = formatText(copyMixed);
    const lines = text.split('\n');
    // The claim is drawn on the ring the moment it happens, with the claimer named.
    const claim = lines.findIndex((l) => /^ +\d+  plain: set_copied: .*claim rx frame 0/.test(l));
    expect(claim).toBeGreaterThan(0);
    expect(lines[claim + 1]).toMatch(/rx {2}\[ 0:UNUSED\[claimed by plain\]<u> \| 1:UNUSED<K> /);
    // No id after the tag: nothing copy-mixed checks reads ids, so they are left out (model/ids.ts).
    expect(lines[claim + 2].trim()).toBe('receive queue: [] -> [m3 (frame 0)]');
    // The violating step is marked and named.
    const marked = lines.filter((l) => l.startsWith('>>'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(new RegExp(`^>> +${v.steps.length}  consumer: poll: .*<- violates POLL-IN-AT-CURSOR$`));
    // The explanation names the frame, its claimer and the queued message; the history gives the step.
    expect(text).toContain('why: consumer was told POLLIN, but its cursor is on rx frame 0, which is UNUSED (plain has claimed it for a COPY');
    expect(text).toContain('because the receive queue holds m3 ');
    expect(text).toContain('\n  rx frame 0: claimed for a COPY by plain at step 3\n');
  });

  it('puts kernel steps in the left lane and userspace steps in the right one', () => {
    const v = copyMixed.violation!;
    const lines = timelineLines(v.trace, { violation: { property: v.property, step: v.steps.length } });
    const header = lines[0];
    const userColumn = header.indexOf('user');
    const kernelColumn = header.indexOf('kernel');
    const rowOf = (re: RegExp) => lines.find((l) => re.test(l))!;
    expect(rowOf(/plain: build message 3/).indexOf('plain:')).toBe(kernelColumn);
    // Step 4 is the consumer's own code (user); step 6 is netlink_poll, kernel code in its syscall.
    expect(rowOf(/consumer: rx frame 0 is UNUSED: poll/).indexOf('consumer:')).toBe(userColumn);
    expect(rowOf(/consumer: poll: datagram_poll/).indexOf('consumer:')).toBe(kernelColumn);
  });

  it('draws the initial state once and after that only what changed', () => {
    const text = formatText(setup);
    expect(text.match(/^ +sock {2}/gm)).toHaveLength(1);
    expect(text.match(/^ +threads {2}/gm)).toHaveLength(1);
    // A lock taken and given back appears as old -> new, the ring when it is installed.
    expect(text).toMatch(/\n +pg_vec_lock: free -> setupA\n/);
    expect(text).toMatch(/\n +rx {2}\[ 0:UNUSED<K> \| 1:UNUSED \] {2}pending 0\n/);
    // Much shorter than the full dump, which --verbose keeps.
    const verbose = formatText(setup, { verbose: true });
    expect(fromCounterexample(text).split('\n').length).toBeLessThan(fromCounterexample(verbose).split('\n').length / 1.5);
  });

  it('groups the steps of one thread that change nothing, but never the violating step', () => {
    const text = formatText(setup);
    expect(text).toMatch(/\n +1-3 {2}setupA: setsockopt rx ring req 0: not mapped, nothing pending; .* \(3 steps, no visible change\)\n/);
    const lines = text.split('\n').filter((l) => /^(>>| {2}) *\d+(-\d+)? {2}/.test(l));
    const covered = lines.flatMap((l) => {
      const [a, b] = l.slice(2).trim().split(/ +/)[0].split('-').map(Number);
      return Array.from({ length: (b ?? a) - a + 1 }, (_, k) => a + k);
    });
    // Every step is in exactly one row, in order.
    expect(covered).toEqual(Array.from({ length: setup.violation!.steps.length }, (_, k) => k + 1));
    expect(lines.find((l) => l.startsWith('>>'))).toMatch(/^>> +8 {2}/);
  });

  it('--verbose is the full dump of every state, as before', () => {
    const v = setup.violation!;
    const text = formatText(setup, { verbose: true });
    expect(text).toContain(traceLines(v.trace).join('\n') + '\n');
    expect(text).toContain('why: ');
  });

  it('--cite adds each step\'s citation under its row; without it none', () => {
    const v = setup.violation!;
    const cited = formatText(setup, { cite: true });
    for (const t of v.trace.slice(1)) expect(cited).toContain(`cites: ${t.step!.cites}`);
    expect(formatText(setup)).not.toContain('cites: ');
    expect(formatText(setup, { verbose: true, cite: true })).toContain(`cites: ${v.trace[1].step!.cites}`);
  });

  it('uses colour only when asked', () => {
    expect(formatText(copyMixed)).not.toContain('\x1b[');
    const coloured = formatText(copyMixed, { color: true });
    expect(coloured).toContain('\x1b[1;31m>>\x1b[0m');
    // Without the escapes it is the plain report.
    expect(fromCounterexample(coloured.replace(/\x1b\[[0-9;]*m/g, ''))).toBe(fromCounterexample(formatText(copyMixed)));
  });

  it('gives the same bytes every run', () => {
    const again = bfs(buildTarget('linux-4.5', 'copy-mixed'));
    expect(fromCounterexample(formatText(again))).toBe(fromCounterexample(formatText(copyMixed)));
  });

  it('a replay marks the violation inside a longer path and explains it after the timeline', () => {
    const path = `${copyMixed.violation!.path}/0`;
    const r = replay(buildTarget('linux-4.5', 'copy-mixed'), path);
    const text = formatReplayText(r);
    expect(text).toMatch(/\n>> +6 {2}consumer: .*<- violates POLL-IN-AT-CURSOR\n/);
    expect(text).toMatch(/\n +7 {2}ring: /);
    expect(text).toMatch(/violated: POLL-IN-AT-CURSOR \(caller-view\) at step 6\n.*\nwhy: consumer was told POLLIN/);
  });

  it('frameHistory gives the steps at which a frame got its holder and its status', () => {
    const skip = bfs(buildTarget('linux-4.5', 'skip-hold'));
    const v = skip.violation!;
    const n = v.steps.length;
    const history = frameHistory(v.trace, 0, 1, n).join('; ');
    expect(history).toMatch(/^reserved by prod2 at step \d+; .*set VALID by prod2 at step \d+$/);
    // Nothing happens to a frame before its first event.
    expect(frameHistory(v.trace, 0, 1, 1)).toEqual([]);
  });
});

describe('JSON carries citations, views and explanations whatever the text flags', () => {
  it('check: the violation has its explanation and each step its lane, actor, label and cites', () => {
    const j = JSON.parse(formatJson(copyMixed));
    const v = copyMixed.violation!;
    expect(j.violation.explanation).toBe(v.explanation);
    expect(j.violation.trace).toHaveLength(v.steps.length + 1);
    expect(j.violation.trace[0].step).toBeUndefined();
    expect(j.violation.trace[0].view.rings[0].frames).toHaveLength(4);
    expect(j.violation.trace[3].step).toEqual({ lane: 'kernel', actor: 'plain', label: v.trace[3].step!.label, cites: v.trace[3].step!.cites });
    expect(j.violation.trace[3].view.rings[0].frames[0].holder).toEqual({ thread: 'plain', how: 'claimed' });
    expect(j.violation.trace[4].step.lane).toBe('user');
  });

  it('replay: each trace entry has step and view, the violation its explanation', () => {
    const r = replay(buildTarget('linux-4.5', 'copy-mixed'), copyMixed.violation!.path);
    const j = JSON.parse(formatReplayJson(r));
    expect(j.violation).toEqual({ property: 'POLL-IN-AT-CURSOR', family: 'caller-view', step: 6, explanation: r.violation!.explanation });
    expect(Object.keys(j.trace[0])).toEqual(['action', 'summary', 'state', 'view']);
    expect(Object.keys(j.trace[1])).toEqual(['action', 'summary', 'state', 'step', 'view']);
    for (const t of j.trace.slice(1)) expect(t.step.cites).not.toBe('');
  });
});

describe('a simulate report keeps its trace through nlring merge', () => {
  const sim = simulate(buildTarget('linux-4.5', 'copy-mixed'), { seed: 0, walks: 20, depth: 12 });

  it('reads back the trace and the explanation, and draws the same timeline', () => {
    expect(sim.verdict).toBe('fail');
    const merged = mergeReports([parseReport('shard.json', formatJson(sim))], () => sim.violation!.doc);
    expect(merged.violation!.trace).toEqual(sim.violation!.trace);
    expect(merged.violation!.explanation).toBe(sim.violation!.explanation);
    expect(JSON.parse(formatJson(merged)).violation).toEqual(JSON.parse(formatJson(sim)).violation);
    expect(fromCounterexample(formatText(merged))).toContain(timelineLines(sim.violation!.trace, { violation: { property: sim.violation!.property, step: sim.violation!.steps.length } }).join('\n'));
  });

  it('refuses a trace entry that is not one, in one line', () => {
    const j = JSON.parse(formatJson(sim));
    j.violation.trace[1].step = { lane: 'elsewhere' };
    expect(() => parseReport('shard.json', JSON.stringify(j))).toThrow(/^shard\.json is not an nlring simulate report: invalid 'violation\.trace\[1\]'$/);
  });
});

describe('CLI flags and colour', () => {
  const args = ['check', '--variant', 'linux-4.5', '--scenario', 'copy-mixed'];
  async function cli(argv: string[], isTTY: boolean, noColor?: string): Promise<string> {
    let out = '';
    const io = { stdout: { write: (t: string) => (out += t), isTTY }, stderr: { write: () => true } };
    const saved = process.env.NO_COLOR;
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
    try {
      await run(argv, io, { catalog: async () => catalog });
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
    return out;
  }

  it('colours a terminal, and never with NO_COLOR, without a terminal, or for JSON', async () => {
    expect(await cli(args, true)).toContain('\x1b[');
    expect(await cli(args, true, '1')).not.toContain('\x1b[');
    // NO_COLOR counts only when non-empty (no-color.org).
    expect(await cli(args, true, '')).toContain('\x1b[');
    expect(await cli(args, false)).not.toContain('\x1b[');
    expect(await cli([...args, '--format', 'json'], true)).not.toContain('\x1b[');
  });

  it('check and replay take --verbose and --cite', async () => {
    const verbose = await cli([...args, '--verbose'], false);
    expect(verbose).toContain('  0. init\n');
    expect(await cli([...args, '--cite'], false)).toContain('cites: ');
    const path = copyMixed.violation!.path;
    const replayText = await cli(['replay', '--variant', 'linux-4.5', '--scenario', 'copy-mixed', '--path', path, '--cite', '--verbose'], false);
    expect(replayText).toContain('  6. kernel[consumer]: poll: datagram_poll');
    expect(replayText).toContain('cites: ');
  });
});

describe('the documentation shows the real output', () => {
  it('README: the tx-sibling report of the tour, from its violated: line on', () => {
    const block = /```\n(violated: NOTOCTOU-TX-LEN[\s\S]*?)```\n/.exec(read('README.md'))?.[1];
    expect(block).toBeDefined();
    const text = formatText(bfs(buildTarget('linux-3.10', 'tx-sibling')));
    expect(text.slice(text.indexOf('violated:'))).toBe(block);
  });

  it('docs/liveness.md: every line of the lasso it reads (its long path elided) is in the report, in order', () => {
    const doc = read('docs/liveness.md').split('## Reading a lasso\n\n```\n')[1].split('```')[0];
    const text = formatLivenessText(liveness(buildTarget('linux-4.5', 'dump-full-ring'), {}));
    let at = 0;
    for (const line of doc.trimEnd().split('\n')) {
      if (line === '  ...') continue;
      const [shown] = line.split('0/1/1/...');
      const next = text.indexOf(shown, at);
      expect(next, line).toBeGreaterThanOrEqual(at);
      at = next + shown.length;
    }
  });
});
