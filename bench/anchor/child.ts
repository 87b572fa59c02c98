/**
 * One nlring bfs run on the SPIN anchor spec, in a process of its own so that
 * its peak resident memory is its own: `node dist/bench/anchor/child.js F K M [unmerged] [por]`.
 * Prints one JSON line: states, transitions, seconds (the search alone, as bfs
 * times it), verdict, and maxRssBytes from process.resourceUsage() (the whole
 * process: Node itself, the code, the visited set, parent links and frontier).
 */
import { bfs } from '../../src/check/bfs.js';
import { anchorTarget } from './rxring.js';

const [f, k, m] = process.argv.slice(2, 5).map(Number);
const flags = process.argv.slice(5);
// `unmerged`: the spec without SPIN's statement merging (spin -o3); `por`: bfs with partial-order reduction.
const r = bfs(anchorTarget({ frames: f, senders: k, messages: m, merging: !flags.includes('unmerged') }), { por: flags.includes('por') });
process.stdout.write(
  JSON.stringify({
    states: r.states,
    transitions: r.transitions,
    seconds: r.seconds,
    verdict: r.verdict,
    complete: r.complete,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
