/**
 * Every invariant's explanation, on real counterexamples: for each property that a
 * variant fails in test/verdicts.json (on linux-4.5, linux-3.10 or linux-4.1, in a
 * scenario small enough to search here), bfs restricted to that property finds its
 * counterexample, and the explanation must name what broke it: the thread the step
 * record names, the frame it stored to or looked at, the value compared. Which
 * scenario fails is read from verdicts.json and found again by the checker; nothing
 * here says a property fails.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { bfs } from '../../src/check/bfs.js';
import { parsePath } from '../../src/check/replay.js';
import { buildTarget } from '../../src/catalog.js';
import { PROPERTIES } from '../../src/props/index.js';
import { EXPLAIN } from '../../src/props/explain.js';
import { errnoName } from '../../src/model/constants.js';
import type { State } from '../../src/model/state.js';
import type { StateView } from '../../src/model/view.js';
import { formatText } from '../../src/report/text.js';

interface Entry { variant: string; scenario: string; states: number; violations: Record<string, number> }
const entries = (JSON.parse(readFileSync(new URL('../verdicts.json', import.meta.url), 'utf8')) as { entries: Entry[] }).entries;

/** Per property, the cheapest catalogue (variant, scenario) that fails it, among those the test can afford. */
const MAX_STATES = 100_000;
const cases = new Map<string, Entry>();
for (const e of entries) {
  if (!['linux-4.5', 'linux-3.10', 'linux-4.1'].includes(e.variant) || e.states > MAX_STATES) continue;
  for (const p of Object.keys(e.violations)) {
    const best = cases.get(p);
    if (!best || e.states < best.states) cases.set(p, e);
  }
}

/** What each explanation must mention, read from the violating state by the test itself. */
function mustMention(id: string, s: State, v: StateView): string[] {
  const name = (ti: number) => v.threads[ti].name;
  const g = s.ghost;
  const e = g.last;
  const ring = (r: number) => (r === 0 ? 'rx' : 'tx');
  switch (id) {
    case 'OWN-RX-KERNEL-WRITE':
    case 'OWN-TX-KERNEL-WRITE':
    case 'OWN-USER-WRITE':
      return [name(e.thread), `${ring(e.ring)} frame ${e.frame}`];
    case 'POLL-IN-AT-CURSOR':
      return [name(g.noteThread), 'POLLIN', 'rx frame'];
    case 'POLL-IN-SOUND':
      return [name(g.noteThread), 'POLLIN', 'receive queue is empty'];
    case 'ORDER-RING-IDS':
      return [name(g.noteThread), `id ${s.threads[g.noteThread].l.seqLast}`, `id ${g.noteValue}`];
    case 'DUMP-ORDER':
    case 'TX-PROGRESS':
    case 'RET-TX-SENDMSG':
    case 'LOSS-FREE-FRAME':
    case 'SKIP-PROGRESS':
    case 'DELIVER-PORT-OWNER':
      return [name(g.noteThread)];
    case 'RET-KERNEL-SEND':
      return [name(g.toldThread), `m${g.toldMsg}`];
    case 'LOSS-REPORTED':
      return [`sk_err is ${errnoName(s.sock.skErr)}`, `sk_drops ${s.sock.drops}`];
    case 'ERR-SK-ERR-POSITIVE':
      return [errnoName(s.sock.skErr)];
    case 'SETUP-GEOMETRY':
      return [`frames_per_block ${s.sock.rx.framesPerBlock}`];
    case 'COPY-QUEUE-MATCH':
      return [`rx frame ${g.copyFrame}`];
    case 'POLL-NO-LOST-WAKEUP':
    case 'DUMP-PROGRESS':
      return v.threads.filter((t) => t.pc === 'c.sleep').map((t) => t.name);
    case 'NOTOCTOU-TX-LEN':
    case 'NOTOCTOU-TX-ACT':
    case 'TX-READ-IN-FRAME': {
      const ti = s.threads.findIndex((t) => t.l.txFrame >= 0);
      return [name(ti), `tx frame ${s.threads[ti].l.txFrame}`];
    }
    case 'NFQ-VERDICT-AFTER-READ':
      return ['got a verdict before the consumer read'];
    case 'ACCT-NO-FREE-IN-USE':
      return ['freed'];
    default:
      return [];
  }
}

describe('explanations', () => {
  it('every invariant has one', () => {
    const always = PROPERTIES.filter((p) => p.kind === 'always');
    expect(always.filter((p) => !p.explain).map((p) => p.id)).toEqual([]);
    expect(Object.keys(EXPLAIN).sort()).toEqual(always.map((p) => p.id).sort());
  });

  it('there are real counterexamples to explain', () => {
    expect(cases.size).toBeGreaterThanOrEqual(20);
  });

  for (const [id, e] of [...cases].sort(([a], [b]) => a.localeCompare(b))) {
    it(`${id} on ${e.variant} ${e.scenario} names what broke it`, () => {
      const t = buildTarget(e.variant, e.scenario);
      const only = { ...t, invariants: t.invariants.filter((p) => p.id === id) };
      const r = bfs(only);
      const v = r.violation!;
      expect(v.property).toBe(id);
      let s = t.spec.init();
      for (const i of parsePath(v.path)) s = t.spec.next(s, t.spec.actions(s)[i]);
      expect(only.invariants[0].holds(s)).toBe(false);
      const explanation = v.explanation!;
      expect(explanation).toMatch(/\.$/);
      const view = t.spec.view!(s) as StateView;
      for (const word of mustMention(id, s, view)) expect(explanation, explanation).toContain(word);
      // Not a thread index where a name belongs.
      expect(explanation).not.toMatch(/thread \d/);
      // The text report marks the step and prints the explanation under the timeline.
      const text = formatText(r);
      expect(text).toContain(`>>`);
      expect(text).toContain(`<- violates ${id}`);
      expect(text).toContain(`why: ${explanation}\n`);
    });
  }
});
