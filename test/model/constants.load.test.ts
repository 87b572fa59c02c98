/**
 * The errno table of src/model/constants.ts, which is built when the module
 * loads: imported inside the test (not at the top of the file), so that a wrong
 * entry fails here, where the table is built, and not only in files that load
 * it before any test runs.
 */
import { expect, it } from 'vitest';

it('errnoName names every errno the model stores or returns by its kernel name (include/uapi/asm-generic/errno-base.h, errno.h)', async () => {
  const { errnoName } = await import('../../src/model/constants.js');
  // The values are the x86-64 / asm-generic ones; sk_err holds them positive, syscalls return them negated.
  const names: [number, string][] = [
    [1, 'EPERM'],
    [3, 'ESRCH'],
    [11, 'EAGAIN'],
    [12, 'ENOMEM'],
    [14, 'EFAULT'],
    [16, 'EBUSY'],
    [22, 'EINVAL'],
    [105, 'ENOBUFS'],
    [111, 'ECONNREFUSED'],
  ];
  for (const [e, name] of names) {
    expect(errnoName(e), `errno ${e}`).toBe(name);
    expect(errnoName(-e), `errno -${e}`).toBe(`-${name}`);
  }
});
