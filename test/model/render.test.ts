/**
 * src/model/render.ts: the drawing of a state that every counterexample shows
 * (README "Reading it"): each ring as one row of frames with statuses, message
 * tags, ids, nm_len, the kernel head <K> and user cursors <u>; then the socket
 * line and the threads line; and the one-line summary. Users read these, so
 * each branch of the drawing is a rule here, and a few whole drawings are golden.
 */
import { describe, expect, it } from 'vitest';
import { render, summary } from '../../src/model/render.js';
import type { ThreadSpec } from '../../src/model/config.js';
import type { State } from '../../src/model/state.js';
import type { Ctx } from '../../src/model/step.js';
import { expectGolden } from './golden.js';
import { FOUR, TWO, bench, catalogModel, scenario } from './helpers.js';

const THREADS: readonly ThreadSpec[] = [
  { name: 'cons', program: 'consumer', params: { maxHold: 2 } },
  { name: 'tx', program: 'txuser', params: { count: 1, batch: 1, dontwait: false, firstTag: 5 } },
  { name: 'vc', program: 'consumer', params: { maxHold: 0, verdicts: 1 } },
  { name: 'p1', program: 'producer', params: { count: 1, path: 'ring', firstTag: 1 } },
];

/** Both rings (RX: FOUR, TX: TWO), mapped; every thread at its entry. */
function fresh(): { c: Ctx; s: State } {
  return bench('linux-4.5', scenario(THREADS, { requests: [FOUR, TWO], rx: 0, tx: 1 }));
}
const line = (c: Ctx, s: State, prefix: string): string => {
  const l = render(c, s).split('\n').find((x) => x.startsWith(prefix));
  if (l === undefined) throw new Error(`no line ${prefix}`);
  return l;
};

describe('render: ring rows', () => {
  it('an absent ring is drawn as (no ring), and the summary shows it as -', () => {
    const { c, s } = bench('linux-4.5', scenario(THREADS, { requests: [FOUR], rx: 0, tx: null }));
    expect(line(c, s, 'tx:')).toBe('tx: (no ring)');
    expect(summary(c, s)).toBe('rx ....@0 tx -');
  });

  it('a fresh ring: every frame UNUSED, <K> at the head, one <u> per consumer cursor, pending count', () => {
    const { c, s } = fresh();
    // Both consumers' RX cursors are at 0; the TX user's and the verdict consumer's TX cursors at 0.
    expect(line(c, s, 'rx:')).toBe('rx: [ 0:UNUSED<Kuu> | 1:UNUSED | 2:UNUSED | 3:UNUSED ]  pending=0');
    expect(line(c, s, 'tx:')).toBe('tx: [ 0:UNUSED<Kuu> | 1:UNUSED ]  pending=0');
  });

  it('marks move with the head and the cursors; a frame with no mark has no <>', () => {
    const { c, s } = fresh();
    s.sock.rx.head = 2;
    s.threads[0].l.cursor = 1;
    s.threads[2].l.cursor = 3;
    s.sock.rx.pending = 3;
    expect(line(c, s, 'rx:')).toBe('rx: [ 0:UNUSED | 1:UNUSED<u> | 2:UNUSED<K> | 3:UNUSED<u> ]  pending=3');
  });

  it('TX cursors: the TX user and a consumer that sends verdicts, not a plain consumer', () => {
    const { c, s } = fresh();
    s.threads[1].l.txCursor = 1;
    s.threads[0].l.txCursor = 1; // a plain consumer's txCursor is not drawn
    expect(line(c, s, 'tx:')).toBe('tx: [ 0:UNUSED<Ku> | 1:UNUSED<u> ]  pending=0');
    // And the TX user's RX cursor local is not drawn on the RX ring.
    s.threads[1].l.cursor = 2;
    expect(line(c, s, 'rx:')).toBe('rx: [ 0:UNUSED<Kuu> | 1:UNUSED | 2:UNUSED | 3:UNUSED ]  pending=0');
  });

  it('each status by name, with message, id and nm_len only when set', () => {
    const { c, s } = fresh();
    const f = s.sock.rx.frames;
    f[0].status = 1; // RESERVED, nothing set
    f[1].status = 2; f[1].msg = 3; f[1].seq = 2; f[1].len = 64; f[1].off = 24;
    f[2].status = 3; f[2].msg = 4; f[2].off = 24; // COPY without id or length
    f[3].status = 4; f[3].seq = 7; // SKIP with an id only
    expect(line(c, s, 'rx:')).toBe('rx: [ 0:RESERVED<Kuu> | 1:VALID m3#2 len64 | 2:COPY m4 | 3:SKIP#7 ]  pending=0');
    expect(summary(c, s)).toBe('rx RVCS@0 tx ..@0');
  });

  it('an UNUSED frame shows only its status, whatever stale fields it holds', () => {
    const { c, s } = fresh();
    const f = s.sock.rx.frames[1];
    f.msg = 9; f.seq = 3; f.len = 100; f.off = 40;
    expect(line(c, s, 'rx:')).toContain('| 1:UNUSED |');
  });

  it('an RX message not at frame + NL_MMAP_HDRLEN is drawn @+off (B12); at HDRLEN, without a message, or on TX it is not', () => {
    const { c, s } = fresh();
    const rx = s.sock.rx.frames;
    rx[0].status = 2; rx[0].msg = 1; rx[0].off = 40;
    rx[1].status = 2; rx[1].msg = 2; rx[1].off = 24;
    rx[2].status = 2; rx[2].msg = 0; rx[2].off = 40;
    const tx = s.sock.tx.frames;
    tx[0].status = 2; tx[0].msg = 5; tx[0].off = 40;
    expect(line(c, s, 'rx:')).toBe('rx: [ 0:VALID m1 @+40<Kuu> | 1:VALID m2 | 2:VALID | 3:UNUSED ]  pending=0');
    expect(line(c, s, 'tx:')).toBe('tx: [ 0:VALID m5<Kuu> | 1:UNUSED ]  pending=0');
  });

  it('only frame_nr frames are drawn, not every slot of the layout', () => {
    const { c, s } = fresh();
    s.sock.tx.frameNr = 1;
    expect(line(c, s, 'tx:')).toBe('tx: [ 0:UNUSED<Kuu> ]  pending=0');
    expect(summary(c, s)).toBe('rx ....@0 tx .@0');
  });
});

describe('render: the socket line', () => {
  it('a fresh mapped socket: mapped, f_count, sk_err 0, no drops, empty queue, nothing else', () => {
    const { c, s } = fresh();
    expect(line(c, s, 'sock:')).toBe('sock: mapped=1 f_count=2 sk_err=0 drops=0 rcvq=[]');
  });

  it('every flag, counter, queued message (with its id when it has one), dump part and lock holder', () => {
    const { c, s } = fresh();
    const k = s.sock;
    k.skErr = 105;
    k.congested = true;
    k.drops = 2;
    k.rcvq.push({ msg: 1, seq: 0, frame: -1 });
    k.rcvq.push({ msg: 2, seq: 4, frame: 1 });
    k.dumpRunning = true;
    k.dumpPart = 3;
    k.released = true;
    k.destructed = true;
    k.pgVecLock = 1;
    k.rxqLock = 3;
    k.cbMutex = 0;
    s.idLock = 2;
    expect(line(c, s, 'sock:')).toBe(
      'sock: mapped=1 f_count=2 sk_err=ENOBUFS CONGESTED drops=2 rcvq=[m1,m2#4] dump@3 released destructed locks{pg_vec_lock:tx rxq_lock:p1 cb_mutex:cons id_lock:vc}',
    );
  });

  it('each lock is listed alone when only it is held, by its holder\'s name (thread 0 included)', () => {
    const cases: [(s: State) => void, string][] = [
      [(s) => { s.sock.pgVecLock = 0; }, 'locks{pg_vec_lock:cons}'],
      [(s) => { s.sock.rxqLock = 0; }, 'locks{rxq_lock:cons}'],
      [(s) => { s.sock.cbMutex = 0; }, 'locks{cb_mutex:cons}'],
      [(s) => { s.idLock = 0; }, 'locks{id_lock:cons}'],
    ];
    for (const [set, want] of cases) {
      const { c, s } = fresh();
      set(s);
      expect(line(c, s, 'sock:').endsWith(` ${want}`)).toBe(true);
      expect(line(c, s, 'sock:').match(/locks\{/g)).toHaveLength(1);
    }
  });

  it('a negative sk_err is drawn with its sign; the summary shows err= by name, or the raw number', () => {
    const { c, s } = fresh();
    s.sock.skErr = -11;
    expect(line(c, s, 'sock:')).toContain(' sk_err=-EAGAIN ');
    expect(summary(c, s)).toBe('rx ....@0 tx ..@0 err=EAGAIN');
    s.sock.skErr = 99;
    expect(line(c, s, 'sock:')).toContain(' sk_err=99 ');
    expect(summary(c, s)).toBe('rx ....@0 tx ..@0 err=99');
  });

  it('the summary shows the kernel head of each ring', () => {
    const { c, s } = fresh();
    s.sock.rx.head = 3;
    s.sock.tx.head = 1;
    expect(summary(c, s)).toBe('rx ....@3 tx ..@1');
  });
});

describe('render: the threads line', () => {
  it('each thread by name at its pc, in scenario order, two spaces apart; a producer inside a call shows its return', () => {
    const { c, s } = fresh();
    expect(line(c, s, 'threads:')).toBe('threads: cons@c.look  tx@u.check  vc@c.look  p1@alloc.lookup(<-prod.fill)');
  });

  it('a call stack is drawn as its returns in push order (outermost first), and held SKIP frames as held[...]', () => {
    const { c, s } = fresh();
    s.threads[0].stack.push('done');
    s.threads[0].stack.push('c.start');
    s.threads[0].l.held.push(1);
    s.threads[0].l.held.push(3);
    expect(line(c, s, 'threads:').startsWith('threads: cons@c.look(<-done<-c.start) held[1,3]  tx@u.check  ')).toBe(true);
    // Held frames without a stack: no parentheses.
    const b = fresh();
    b.s.threads[2].l.held.push(2);
    expect(line(b.c, b.s, 'threads:')).toBe('threads: cons@c.look  tx@u.check  vc@c.look held[2]  p1@alloc.lookup(<-prod.fill)');
  });
});

describe('render: golden drawings', () => {
  it('the drawing and summary of states along two catalogue walks', () => {
    const out: string[] = [];
    for (const [v, sc, n] of [['linux-4.5', 'copy-hold', 14], ['linux-3.10', 'tx-sibling', 7]] as const) {
      const m = catalogModel(v, sc);
      let s = m.spec.init();
      for (let k = 0; k <= n; k++) {
        if (k % 7 === 0 || k === n) out.push(`== ${v} ${sc} step ${k}: ${m.spec.summary(s)}`, ...m.spec.render(s).split('\n'));
        const acts = m.spec.actions(s);
        if (acts.length === 0) break;
        s = m.spec.next(s, acts[k % acts.length]);
      }
    }
    expectGolden(new URL('./render.golden.txt', import.meta.url), 'render.ts drawings (UPDATE_GOLDEN=1 npx vitest run test/model/render.test.ts)', out);
  });
});
