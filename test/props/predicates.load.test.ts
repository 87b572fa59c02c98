/**
 * The property predicates as they are built when src/props/index.ts and
 * src/props/witnesses.ts load. The modules (and the spec the helpers build
 * states with) are imported inside the one test, not at the top of the file:
 * the predicate functions, the helpers they share (`noted`, `noteThread`,
 * `rxStatuses`) and the poll-sleep label cache are created at import time, so
 * only a test that runs while they load can see a wrong one. The clause-by-clause
 * tests of each property are in the other files of this directory.
 */
import { expect, it } from 'vitest';

it('loaded in this test, every invariant holds in an initial state, and the note, its thread, the poll sleep and the RX statuses are judged', async () => {
  const { PROPERTIES } = await import('../../src/props/index.js');
  const { W } = await import('../../src/props/witnesses.js');
  const { VALID, SKIP, COPY } = await import('../../src/model/constants.js');
  const { edit, init, runUntil } = await import('./helpers.js');
  const byId = (id: string) => {
    const p = PROPERTIES.find((x) => x.id === id);
    if (p === undefined) throw new Error(`no property ${id}`);
    return p;
  };

  // An initial state violates nothing: every invariant's predicate answers true (not merely something falsy).
  const poll = init('poll');
  for (const p of PROPERTIES) expect(p.holds(poll.s), `${p.id} in the initial state of poll`).toBe(true);

  // LOSS-FREE-FRAME (RFC cover letter: fail only when no free frame was found; bugs.md B9): an overrun
  // noted by the last step is judged on the thread that overran (ghost.noteThread).
  const overrun = (fullSeen: boolean) =>
    edit(poll.s, (x) => {
      x.ghost.note = 'alloc-full';
      x.ghost.noteThread = 0;
      x.threads[0].l.fullSeen = fullSeen;
    });
  expect(byId('LOSS-FREE-FRAME').holds(overrun(true)), 'an overrun after the ring was seen full').toBe(true);
  expect(byId('LOSS-FREE-FRAME').holds(overrun(false)), 'an overrun with a free frame reachable').toBe(false);

  // POLL-NO-LOST-WAKEUP (netlink_poll, sk_data_ready): a consumer asleep in poll (label c.sleep) with a
  // VALID frame nobody woke it for, every other thread finished, is a lost wakeup.
  const C = 3;
  const asleep = runUntil(poll, 'consumer', (x) => x.threads[C].pc === 'c.sleep');
  const lost = edit(asleep, (x) => {
    for (let i = 0; i < x.threads.length; i++) if (i !== C) x.threads[i].pc = 'done';
    x.sock.wake = false;
  });
  expect(byId('POLL-NO-LOST-WAKEUP').holds(lost), 'asleep alone, nothing to consume').toBe(true);
  expect(byId('POLL-NO-LOST-WAKEUP').holds(edit(lost, (x) => (x.sock.rx.frames[1].status = VALID))), 'asleep alone beside a VALID frame').toBe(false);

  // RET-KERNEL-SEND (netlink_unicast's return value) is judged on the sender the last step
  // recorded (ghost.toldThread), for the message it sent (toldMsg); POLL-IN-AT-CURSOR on the
  // cursor of the thread whose poll returned (ghost.noteThread).
  const told = edit(poll.s, (x) => {
    x.ghost.toldThread = 0;
    x.ghost.toldValue = 64;
    x.ghost.toldMsg = 1;
  });
  expect(byId('RET-KERNEL-SEND').holds(told), 'told delivered, message 1 nowhere').toBe(false);
  expect(byId('RET-KERNEL-SEND').holds(edit(told, (x) => x.sock.rcvq.push({ msg: 1, seq: 0, frame: -1 }))), 'message 1 queued').toBe(true);
  const pollIn = edit(poll.s, (x) => {
    x.ghost.note = 'poll-return';
    x.ghost.noteThread = C;
    x.ghost.noteValue = 1; // POLLIN
    x.sock.rx.frames[1].status = VALID;
  });
  expect(byId('POLL-IN-AT-CURSOR').holds(pollIn), 'POLLIN, cursor at frame 0 (UNUSED)').toBe(false);
  expect(byId('POLL-IN-AT-CURSOR').holds(edit(pollIn, (x) => (x.threads[C].l.cursor = 1))), 'POLLIN, cursor at the VALID frame').toBe(true);

  // The witnesses that read the RX frame statuses (frames 0 .. frame_nr - 1).
  expect(W.skipHeld.holds(poll.s), 'no SKIP frame in an initial ring').toBe(false);
  expect(W.skipHeld.holds(edit(poll.s, (x) => (x.sock.rx.frames[2].status = SKIP)))).toBe(true);
  expect(W.copyAndValid.holds(poll.s)).toBe(false);
  const both = edit(poll.s, (x) => {
    x.sock.rx.frames[0].status = COPY;
    x.sock.rx.frames[1].status = VALID;
  });
  expect(W.copyAndValid.holds(both), 'a COPY and a VALID frame at once').toBe(true);
});
