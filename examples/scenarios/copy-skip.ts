/**
 * A scenario written in TypeScript: the default export is checked like a JSON file
 * (scenarioFromValue), and witnesses may be the catalogue's objects (WITNESSES) or ids.
 *
 * (The catalogue adopted this workload as copy-hold, where it found README Finding 10.)
 * A holding consumer on a ring of only 2 frames, fed by a converted subsystem and an
 * unconverted one: COPY frames and frames held as SKIP compete for the same two slots.
 * Outside this repository, import from 'nlring' as here (the nlring command maps it to
 * itself, vitest.config.ts maps it to src/index.ts).
 */
import { WITNESSES, type ScenarioInput } from 'nlring';

export default {
  id: 'copy-skip',
  description: 'A consumer that may hold 1 of 2 RX frames as SKIP, fed by a ring producer and an unconverted (COPY) one',
  requests: [{ blockSize: 4096, blockNr: 1, frameSize: 2048, frameNr: 2 }],
  rx: 0,
  tx: null,
  mapped: true,
  msgLen: 64,
  threads: [
    { name: 'ring', program: 'producer', params: { count: 2, path: 'ring', firstTag: 1 } },
    { name: 'plain', program: 'producer', params: { count: 2, path: 'plain', firstTag: 3 } },
    { name: 'consumer', program: 'consumer', params: { maxHold: 1 } },
  ],
  witnesses: [WITNESSES.copyRead, WITNESSES.skipHeld, 'W-MSG-READ'],
  excludes: ['ORDER-RING-IDS'],
} satisfies ScenarioInput;
