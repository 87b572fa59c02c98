/**
 * The consumer loops people wrote (user/consumer.ts, config.ts ConsumerStyle): what
 * each does differently from the documentation's loop, driven step by step through
 * the real spec, and `<scenario>@<style>` in the catalogue.
 */
import { describe, expect, it } from 'vitest';
import { bfs } from '../../src/check/bfs.js';
import { buildTarget, findScenario } from '../../src/catalog.js';
import { UsageError } from '../../src/errors.js';
import type { ConsumerStyle, ThreadSpec } from '../../src/model/config.js';
import { COPY, POLLIN, RESERVED, SKIP, UNUSED, VALID } from '../../src/model/constants.js';
import { contiguousFrame, type MmapReq } from '../../src/model/geometry.js';
import { USER_MSG_OFFSET } from '../../src/model/mem.js';
import type { State } from '../../src/model/state.js';
import { FOUR, model, runToDone, scenario, script, take, thread, type Model } from './helpers.js';

/** Where poll.enter (a continuation, no step of its own) leaves the thread when the RX ring is mapped and no dump runs. */
const POLL = 'poll.rcvwake';

/** Two blocks of one page, two 1536-byte frames each: the last KiB of every block holds no frame. */
const GAPS: MmapReq = { blockSize: 4096, blockNr: 2, frameSize: 1536, frameNr: 4 };

const consumer = (style: ConsumerStyle, maxHold = 0): ThreadSpec => ({ name: 'c', program: 'consumer', params: { maxHold, style } });
const producer = (count: number): ThreadSpec => ({ name: 'p', program: 'producer', params: { count, path: 'ring', firstTag: 1 } });

/** A consumer alone on FOUR, its cursor at 0, with the given frame statuses (VALID frames hold message 7). */
function ringWith(style: ConsumerStyle, statuses: readonly number[], fresh: boolean): { m: Model; s: State } {
  const m = model('linux-4.5', scenario([consumer(style)]));
  const s = m.spec.init();
  statuses.forEach((st, i) => {
    const f = s.sock.rx.frames[i];
    f.status = st;
    if (st === VALID || st === COPY) Object.assign(f, { len: 64, off: USER_MSG_OFFSET, msg: 7 });
  });
  // What ulogd2 and nurs keep from a wakeup with POLLIN until they handle a frame.
  if (fresh) thread(m, s, 'c').l.mask = POLLIN;
  return { m, s };
}

describe('contiguousFrame: where libmnl 2012 looks for frame i (ring + i * frame_size)', () => {
  it('is frame i when frames fill their blocks', () => {
    expect([0, 1, 2, 3].map((i) => contiguousFrame(i, FOUR))).toEqual([0, 1, 2, 3]);
    const pages: MmapReq = { blockSize: 4096, blockNr: 4, frameSize: 4096, frameNr: 4 };
    expect([0, 1, 2, 3].map((i) => contiguousFrame(i, pages))).toEqual([0, 1, 2, 3]);
  });
  it('is no frame where a block has an unused tail: frame 2 at 3072 lies in block 0, frame 3 at 4608 inside the kernel\'s frame 2', () => {
    expect([0, 1, 2, 3].map((i) => contiguousFrame(i, GAPS))).toEqual([0, 1, -1, -1]);
  });
  it('finds a later kernel frame when the offset happens to be one: 3 frames of 1360 in 4096 (16 bytes spare)', () => {
    const odd: MmapReq = { blockSize: 4096, blockNr: 2, frameSize: 1360, frameNr: 6 };
    // 3 * 1360 = 4080: inside block 0's 16-byte tail; 6 * 1360 = 8160: past the 2 blocks' last frame.
    expect([0, 1, 2, 3, 4, 5].map((i) => contiguousFrame(i, odd))).toEqual([0, 1, 2, -1, -1, -1]);
  });
});

describe('libmnl-2012', () => {
  it('is the documentation loop when frames fill their blocks: the same state space', () => {
    const a = bfs(buildTarget('linux-4.5', 'rx-order'), { allViolations: true });
    const b = bfs(buildTarget('linux-4.5', 'rx-order@libmnl-2012'), { allViolations: true });
    expect([b.states, b.transitions, b.verdict]).toEqual([a.states, a.transitions, a.verdict]);
  });
  it('does not find the kernel\'s frame 2 where frames leave a gap: it polls where the documentation loop reads', () => {
    for (const [style, next] of [['doc', 'c.read'], ['libmnl-2012', POLL]] as const) {
      const m = model('linux-4.5', scenario([producer(3), consumer(style)], { requests: [GAPS] }));
      let s = runToDone(m, m.spec.init(), 'p').state;
      expect([0, 1, 2].map((i) => s.sock.rx.frames[i].status)).toEqual([VALID, VALID, VALID]);
      s = script(m, s, ['c c.look -1', 'c c.read', 'c c.release', 'c c.look -1', 'c c.read', 'c c.release']);
      const a = m.spec.actions(s).find((x) => x.kind === 'c.look' && x.arg === -1)!;
      if (style === 'libmnl-2012') expect(m.spec.describe(s, a)).toMatch(/rx frame 2 at ring \+ 2 \* frame_size: no frame header there/);
      s = m.spec.next(s, a);
      expect(thread(m, s, 'c').pc).toBe(next);
    }
  });
});

describe('ulogd2 and nurs search the ring (mnl_ring_lookup_frame) only when woken readable', () => {
  it('ulogd2, fresh, cursor on UNUSED: reads frames from the cursor on until a VALID one, and handles it', () => {
    const { m, s: s0 } = ringWith('ulogd2', [UNUSED, RESERVED, VALID, UNUSED], true);
    let s = take(m, s0, 'c', 'c.look', -1);
    expect(thread(m, s, 'c').pc).toBe('c.lookup');
    s = script(m, s, ['c c.lookup', 'c c.lookup']);
    expect([thread(m, s, 'c').l.cursor, thread(m, s, 'c').l.scan]).toEqual([2, 2]);
    s = take(m, s, 'c', 'c.lookup');
    expect([thread(m, s, 'c').pc, thread(m, s, 'c').l.cursor, thread(m, s, 'c').l.scan]).toEqual(['c.read', 2, 0]);
    s = take(m, s, 'c', 'c.read');
    expect(thread(m, s, 'c').l.mask).toBe(0); // a frame handled: the next UNUSED means poll
  });
  it('gives up after one whole turn, back where it started, and polls', () => {
    const { m, s: s0 } = ringWith('ulogd2', [UNUSED, UNUSED, SKIP, RESERVED], true);
    let s = script(m, s0, ['c c.look -1', 'c c.lookup', 'c c.lookup', 'c c.lookup']);
    expect(thread(m, s, 'c').pc).toBe('c.lookup');
    s = take(m, s, 'c', 'c.lookup');
    expect([thread(m, s, 'c').pc, thread(m, s, 'c').l.cursor, thread(m, s, 'c').l.scan]).toEqual([POLL, 0, 0]);
  });
  it('not fresh (a frame handled since the wakeup, or no wakeup yet): UNUSED means poll', () => {
    const { m, s } = ringWith('ulogd2', [UNUSED, VALID, UNUSED, UNUSED], false);
    expect(thread(m, take(m, s, 'c', 'c.look', -1), 'c').pc).toBe(POLL);
  });
  it('ulogd2 polls from a RESERVED or SKIP frame; nurs scans on from them too', () => {
    for (const st of [RESERVED, SKIP]) {
      for (const [style, pc] of [['ulogd2', POLL], ['nurs', 'c.scan'], ['doc', POLL]] as const) {
        const { m, s } = ringWith(style, [st, VALID, UNUSED, UNUSED], true);
        expect(thread(m, take(m, s, 'c', 'c.look', -1), 'c').pc, style).toBe(pc);
      }
    }
  });
  it('nurs scans from the next frame on, over UNUSED, SKIP and RESERVED, and handles the first VALID or COPY frame', () => {
    const { m, s: s0 } = ringWith('nurs', [UNUSED, SKIP, RESERVED, COPY], true);
    let s = take(m, s0, 'c', 'c.look', -1);
    expect([thread(m, s, 'c').pc, thread(m, s, 'c').l.cursor, thread(m, s, 'c').l.scan]).toEqual(['c.scan', 1, 1]);
    s = script(m, s, ['c c.scan', 'c c.scan']);
    expect([thread(m, s, 'c').l.cursor, thread(m, s, 'c').l.scan]).toEqual([3, 3]);
    s = take(m, s, 'c', 'c.scan');
    expect([thread(m, s, 'c').pc, thread(m, s, 'c').l.cursor, thread(m, s, 'c').l.scan]).toEqual(['c.mark-copy', 3, 0]);
  });
  it('nurs gives up back at its start without reading it again, and polls', () => {
    const { m, s: s0 } = ringWith('nurs', [UNUSED, UNUSED, SKIP, RESERVED], true);
    const s = script(m, s0, ['c c.look -1', 'c c.scan', 'c c.scan', 'c c.scan']);
    expect([thread(m, s, 'c').pc, thread(m, s, 'c').l.cursor, thread(m, s, 'c').l.scan]).toEqual([POLL, 0, 0]);
  });
  it('the documentation loop never searches, fresh or not', () => {
    const { m, s } = ringWith('doc', [UNUSED, VALID, UNUSED, UNUSED], true);
    expect(thread(m, take(m, s, 'c', 'c.look', -1), 'c').pc).toBe(POLL);
  });
  it('a POLLIN wakeup makes ulogd2 fresh, and not the documentation loop', () => {
    for (const [style, mask] of [['ulogd2', POLLIN], ['nurs', POLLIN], ['doc', 0]] as const) {
      const m = model('linux-4.5', scenario([producer(1), consumer(style)]));
      let s = take(m, m.spec.init(), 'c', 'c.look', -1); // frame 0 UNUSED: poll
      s = runToDone(m, s, 'p').state; // frame 0 VALID
      while (thread(m, s, 'c').pc !== 'c.look') s = m.spec.next(s, m.spec.actions(s).find((a) => a.actor === 'c')!);
      expect(thread(m, s, 'c').l.mask, style).toBe(mask);
    }
  });
});

describe('nurs marks a frame SKIP while its callback runs, and goes back to its event loop after each frame', () => {
  it('VALID: SKIP, read, UNUSED, then poll', () => {
    const { m, s: s0 } = ringWith('nurs', [VALID, VALID, UNUSED, UNUSED], false);
    let s = take(m, s0, 'c', 'c.look', -1);
    expect(thread(m, s, 'c').pc).toBe('c.mark');
    s = take(m, s, 'c', 'c.mark');
    expect(s.sock.rx.frames[0].status).toBe(SKIP);
    s = script(m, s, ['c c.read', 'c c.release']);
    expect([s.sock.rx.frames[0].status, thread(m, s, 'c').l.cursor, thread(m, s, 'c').pc]).toEqual([UNUSED, 1, POLL]);
  });
  it('holding: the frame stays SKIP, in the held set, and the cursor moves on', () => {
    const m = model('linux-4.5', scenario([consumer('nurs', 1)]));
    const s0 = m.spec.init();
    Object.assign(s0.sock.rx.frames[0], { status: VALID, len: 64, off: USER_MSG_OFFSET, msg: 7 });
    const s = script(m, s0, ['c c.look -1', 'c c.mark', 'c c.read 1']);
    const c = thread(m, s, 'c');
    expect([s.sock.rx.frames[0].status, c.l.held.toArray(), c.l.cursor, c.pc]).toEqual([SKIP, [0], 1, POLL]);
  });
  it('COPY: SKIP, then recvmsg', () => {
    const { m, s: s0 } = ringWith('nurs', [COPY, UNUSED, UNUSED, UNUSED], false);
    const s = script(m, s0, ['c c.look -1', 'c c.mark-copy']);
    expect([s.sock.rx.frames[0].status, thread(m, s, 'c').pc]).toEqual([SKIP, 'recv.err']);
  });
});

describe('a COPY frame whose recv() finds nothing', () => {
  // A COPY frame with nothing queued behind it: recv(MSG_DONTWAIT) returns EAGAIN.
  for (const [style, after, status] of [['doc', 'c.look', COPY], ['ulogd2', 'c.look', UNUSED], ['nurs', POLL, UNUSED]] as const) {
    it(`${style}: ${status === COPY ? 'stops and looks again, the frame still COPY' : 'releases the frame anyway'}`, () => {
      const { m, s: s0 } = ringWith(style, [COPY, UNUSED, UNUSED, UNUSED], false);
      let s = take(m, s0, 'c', 'c.look', -1);
      if (style === 'nurs') s = take(m, s, 'c', 'c.mark-copy');
      while (thread(m, s, 'c').pc !== 'c.copied' && !['c.look', 'c.release'].includes(thread(m, s, 'c').pc)) {
        s = m.spec.next(s, m.spec.actions(s).find((a) => a.actor === 'c')!);
      }
      expect(thread(m, s, 'c').l.ret).toBeLessThanOrEqual(0);
      if (thread(m, s, 'c').pc === 'c.release') s = take(m, s, 'c', 'c.release');
      expect([thread(m, s, 'c').pc, s.sock.rx.frames[0].status]).toEqual([after, status]);
    });
  }
});

describe('<scenario>@<style> in the catalogue', () => {
  it('is the scenario with every consumer running that loop, and nothing else changed', () => {
    const base = findScenario('copy-hold');
    const styled = findScenario('copy-hold@nurs');
    expect(styled.id).toBe('copy-hold@nurs');
    expect(styled.description).toBe(`${base.description} [consumer: nurs]`);
    expect(styled.threads.map((t) => (t.program === 'consumer' ? t.params.style : t))).toEqual(
      base.threads.map((t) => (t.program === 'consumer' ? 'nurs' : t)),
    );
    expect({ ...styled, id: base.id, description: base.description, threads: base.threads }).toEqual(base);
  });
  it('rejects an unknown style, a scenario without a consumer and an unknown scenario, naming each', () => {
    expect(() => findScenario('rx-order@bogus')).toThrow(UsageError);
    expect(() => findScenario('rx-order@bogus')).toThrow(/unknown consumer style 'bogus'.*doc, libmnl-2012, ulogd2, nurs/);
    expect(() => findScenario('tx-batch@ulogd2')).toThrow(/scenario 'tx-batch' has no consumer/);
    expect(() => findScenario('nope@doc')).toThrow(/unknown scenario 'nope'/);
  });
  it('lets the checker tell consumers apart: on the reference design copy-hold keeps COPY-QUEUE-MATCH with the documentation loop, not with ulogd2\'s', () => {
    const violated = (id: string) => (bfs(buildTarget('reference', id), { allViolations: true }).violations ?? []).map((v) => v.property);
    expect(violated('copy-hold')).not.toContain('COPY-QUEUE-MATCH');
    expect(violated('copy-hold@ulogd2')).toContain('COPY-QUEUE-MATCH');
  });
});

describe('nlring with <scenario>@<style>', () => {
  async function nlring(argv: string[]) {
    const { runCli } = await import('../fixtures/cli.js');
    return runCli(argv, { catalog: () => import('../../src/catalog.js') });
  }
  it('matrix compares consumers property by property, and its replay lines name the styled scenario', async () => {
    const r = await nlring(['matrix', '--variants', 'reference', '--scenarios', 'copy-hold,copy-hold@ulogd2', '--format', 'json']);
    const cells: { scenario: string; property: string; verdict: string; replay?: string }[] = JSON.parse(r.stdout).cells;
    const at = (scenario: string) => cells.find((c) => c.scenario === scenario && c.property === 'COPY-QUEUE-MATCH')!;
    expect(at('copy-hold').verdict).toBe('pass');
    expect(at('copy-hold@ulogd2').verdict).toBe('fail');
    expect(at('copy-hold@ulogd2').replay).toMatch(/^nlring replay --variant reference --scenario copy-hold@ulogd2 --property COPY-QUEUE-MATCH --path /);
  });
  it('a bad style is a one-line usage error, exit 2, before anything runs', async () => {
    for (const argv of [['check', '--scenario', 'copy-hold@libmnl'], ['matrix', '--scenarios', 'rx-order,rx-order@x']]) {
      const r = await nlring(argv);
      expect([r.code, r.stdout, r.stderr.trim().split('\n').length]).toEqual([2, '', 1]);
      expect(r.stderr).toMatch(/unknown consumer style/);
    }
  });
});
