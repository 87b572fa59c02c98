/**
 * The name of the spec's incremental fingerprint (src/model/zobrist.ts ZOBRIST_HASH), as the
 * engines report it (EngineStats.hash, from the spec's inPlace.fingerprintName). A report
 * names the hash so that state counts and collision estimates of two runs are only compared
 * when they used the same function; the name carries the scheme and its version.
 *
 * The constant is set when the module loads, so this file imports nothing of the spec at
 * the top: the modules load inside the one test below, and Stryker's per-test coverage
 * credits it with that code (see test/model/texts.listing.test.ts).
 */
import { describe, expect, it } from 'vitest';

const NAME = 'nlring-zobrist64/1 (XOR over slots of fmix32 keys of (slot, value), two 32-bit lanes, kept incrementally)';

describe('zobrist fingerprint name (loaded in the test)', () => {
  it('the spec names its incremental fingerprint nlring-zobrist64/1, the name the engines put in their reports', async () => {
    const { ZOBRIST_HASH } = await import('../../src/model/zobrist.js');
    const { buildSpec } = await import('../../src/model/spec.js');
    const { findScenario, findVariant } = await import('../../src/catalog.js');
    expect(ZOBRIST_HASH).toBe(NAME);
    const spec = buildSpec(findVariant('linux-4.5'), findScenario('rx-basic'));
    expect(spec.inPlace?.fingerprintName).toBe(NAME);
  });
});
