/**
 * A userspace thread that reconfigures the socket: setsockopt of a ring, mmap,
 * munmap, close, in the order the scenario lists; or, on behalf of another socket,
 * binds the port id this one has (`bind`). Each call enters the kernel
 * path in kernel/setup.ts.
 */
import { RX, TX } from '../constants.js';
import type { SetupOp } from '../config.js';
import type { Ctx } from '../step.js';
import { DONE, call, defineContinuations, goto } from '../step.js';

function ops(c: Ctx, ti: number): readonly SetupOp[] {
  const spec = c.threads[ti];
  if (spec.program !== 'setup') throw new Error(`${spec.name} is not a setup thread`);
  return spec.params.ops;
}

defineContinuations({
  'set.next': (c, s, ti) => {
    const t = s.threads[ti];
    // Book-keeping of the call that just returned.
    const prev = t.l.k > 0 ? ops(c, ti)[t.l.k - 1] : null;
    if (prev?.op === 'mmap' && t.l.ret === 0) t.l.maps++;
    const list = ops(c, ti);
    if (t.l.k >= list.length) return goto(t, DONE);
    const op = list[t.l.k++];
    switch (op.op) {
      case 'setsockopt':
        t.l.msg = op.ring === 'rx' ? RX : TX;
        t.l.seq = op.req;
        return call(t, 'so.check', 'set.next');
      case 'mmap':
        return call(t, 'mm.map', 'set.next');
      case 'munmap':
        if (t.l.maps === 0) return goto(t, 'set.next'); // nothing of ours is mapped
        t.l.maps--;
        return call(t, 'mm.unmap', 'set.next');
      case 'close':
        return call(t, 'fd.close', 'set.next');
      case 'bind':
        return call(t, 'port.bind', 'set.next');
    }
  },
});
