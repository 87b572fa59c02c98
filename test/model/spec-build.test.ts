/**
 * What buildSpec (src/model/spec.ts) gives the engines besides init/actions/next:
 * the timeline line of an action, and an initial state that only claims what the
 * kernel allows (a mapping needs a ring).
 */
import { describe, expect, it } from 'vitest';
import { findScenario } from '../../src/catalog.js';
import { linux45 } from '../../src/model/variants/linux-4.5.js';
import { buildSpec } from '../../src/model/spec.js';

describe('buildSpec describe: the timeline line of an action', () => {
  it("is whose code, which thread, and the step's text in that state (kernel[prod1]: ..., user[consumer]: ...)", () => {
    const spec = buildSpec(linux45, findScenario('poll'));
    const s = spec.init();
    const lines = spec.actions(s).map((a) => spec.describe?.(s, a));
    expect(lines).toContain('kernel[prod1]: alloc: look up destination (sock_hold), rx ring present');
    expect(lines).toContain('user[consumer]: rx frame 0 is UNUSED: poll');
  });
});

describe('buildSpec init: the scenario\'s initial mapping', () => {
  // af_netlink.c netlink_mmap (3.10, 4.5): the size to map is the sum of the configured rings; with no ring it
  // is 0 and mmap fails with -EINVAL, so no VMA exists and the socket file has only the process's reference.
  it('a scenario that starts mapped but configures no ring starts unmapped (netlink_mmap: size 0 is -EINVAL)', () => {
    const sc = { ...findScenario('poll'), rx: null, tx: null, mapped: true };
    const s = buildSpec(linux45, sc).init();
    expect(s.sock.mapped).toBe(0);
    expect(s.sock.fileRefs).toBe(1);
    expect(s.sock.vmaRxGen).toBe(0);
    expect(s.sock.vmaTxGen).toBe(0);
  });

  it('with an RX ring configured it starts mapped once, the VMA holding a second reference to the file', () => {
    const s = buildSpec(linux45, findScenario('poll')).init();
    expect(s.sock.mapped).toBe(1);
    expect(s.sock.fileRefs).toBe(2);
    expect(s.sock.vmaRxGen).toBe(s.sock.rx.gen);
  });
});
