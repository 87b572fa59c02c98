/**
 * fork() of the process that owns the mapping, and the child's exit: the VMA
 * open/close hooks move `mapped`, and the child's fd table and VMA pin the file
 * (protocol.md §2.2). This is what 3.10's exclusivity test does see.
 */
import { DONE, defineSteps, goto } from '../step.js';
import { exitChild, forkVma } from '../kernel/setup.js';

defineSteps({
  'fork.do': {
    who: 'kernel',
    cites: 'fork -> dup_mmap -> netlink_mm_open (mapped++); the child copies the fd table (f_count++)',
    text: () => 'fork(): child shares the file, its VMA copy runs netlink_mm_open (mapped++)',
    run: (_c, s, ti) => {
      // l.maps: whether the child has a VMA of its own to close at exit.
      s.threads[ti].l.maps = forkVma(s) ? 1 : 0;
      goto(s.threads[ti], 'fork.exit');
    },
  },
  'fork.exit': {
    who: 'kernel',
    cites: 'child exit -> exit_mmap -> netlink_mm_close for the VMA it got at fork (mapped--); exit_files (fput)',
    text: () => 'child exits: netlink_mm_close (mapped--), its fd table drops the file',
    run: (_c, s, ti) => {
      const t = s.threads[ti];
      exitChild(s, t.l.maps === 1);
      t.l.maps = 0;
      goto(t, DONE);
    },
  },
});
