/**
 * The constants of src/model/ids.ts, built when the module loads: imported inside
 * the test, so that a wrong entry fails here (see constants.load.test.ts for why).
 */
import { expect, it } from 'vitest';

it('ORDER-RING-IDS is the one property that reads ids wherever it runs, and the report line says what was left out and why', async () => {
  const { ID_READERS, IDS_LEFT_OUT } = await import('../../src/model/ids.js');
  expect([...ID_READERS]).toEqual(['ORDER-RING-IDS']);
  expect(IDS_LEFT_OUT).toBe(
    'message ids: not tracked, as no checked property, witness or thread reads them (cone of influence; every id is 0, the same paths are enabled and every verdict is the same)',
  );
});
