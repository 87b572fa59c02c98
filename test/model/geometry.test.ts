/**
 * netlink_set_ring's request validation and frame addressing (protocol.md §1,
 * §2.1), one test per rule, each with a request that only that rule rejects.
 */
import { describe, expect, it } from 'vitest';
import { EINVAL, HDRLEN } from '../../src/model/constants.js';
import { checkCreate, checkDestroy, frameAddress, maxLen, ringBytes, type MmapReq } from '../../src/model/geometry.js';

/** A valid create: 4 frames of 1 KiB in one page. Each test breaks one field. */
const OK: MmapReq = { blockSize: 4096, blockNr: 1, frameSize: 1024, frameNr: 4 };
const req = (over: Partial<MmapReq>): MmapReq => ({ ...OK, ...over });

describe('netlink_set_ring create checks (checkCreate), in kernel order', () => {
  it('netlink_set_ring: a valid request passes and yields frames_per_block = block_size / frame_size', () => {
    expect(checkCreate(OK)).toEqual({ ok: true, framesPerBlock: 4 });
    // Frames need not fill the block: 4096 / 1000 = 4 frames, 96 bytes of tail unused.
    expect(checkCreate(req({ frameSize: 1000 }))).toEqual({ ok: true, framesPerBlock: 4 });
    // Several blocks: frame_nr = frames_per_block * block_nr.
    expect(checkCreate({ blockSize: 8192, blockNr: 3, frameSize: 2048, frameNr: 12 })).toEqual({ ok: true, framesPerBlock: 4 });
  });

  it('netlink_set_ring: (int)nm_block_size <= 0 -> EINVAL, before frames_per_block is written', () => {
    expect(checkCreate(req({ blockSize: 0 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
  });

  it('netlink_set_ring: nm_block_size >= 2^31 is negative as an int -> EINVAL although page-aligned', () => {
    // 2^31 and 2^32 - 4096 are multiples of PAGE_SIZE and would give frames_per_block > 0 unsigned.
    expect(2 ** 31 % 4096).toBe(0);
    expect(checkCreate(req({ blockSize: 2 ** 31, frameNr: 2 ** 31 / 1024 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
    expect(checkCreate(req({ blockSize: 2 ** 32 - 4096 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
    // The largest positive page multiple passes the sign check (and fails only the frame count here).
    const big = 2 ** 31 - 4096;
    expect(checkCreate(req({ blockSize: big, frameNr: big / 1024 }))).toEqual({ ok: true, framesPerBlock: big / 1024 });
  });

  it('netlink_set_ring: block size not page-aligned -> EINVAL', () => {
    expect(checkCreate(req({ blockSize: 4096 + 1024, frameNr: 5 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
    expect(checkCreate(req({ blockSize: 2048, frameNr: 2 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
  });

  it('netlink_set_ring: frame size below NL_MMAP_HDRLEN (24) -> EINVAL; exactly 24 is accepted', () => {
    expect(HDRLEN).toBe(24);
    expect(checkCreate(req({ frameSize: 20, frameNr: 204 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
    expect(checkCreate(req({ frameSize: 24, frameNr: 170 }))).toEqual({ ok: true, framesPerBlock: 170 });
  });

  it('netlink_set_ring: frame size not a multiple of NL_MMAP_MSG_ALIGNMENT (4) -> EINVAL', () => {
    expect(checkCreate(req({ frameSize: 1026 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
    expect(checkCreate(req({ frameSize: 1028, frameNr: 3 }))).toEqual({ ok: true, framesPerBlock: 3 });
  });

  it('netlink_set_ring: frames_per_block == 0 (frame larger than block) -> EINVAL after writing 0 into the ring', () => {
    expect(checkCreate(req({ frameSize: 8192, frameNr: 0 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: 0 });
  });

  it('netlink_set_ring: frames_per_block * nm_block_nr != nm_frame_nr -> EINVAL after writing frames_per_block', () => {
    expect(checkCreate(req({ frameNr: 3 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: 4 });
    expect(checkCreate(req({ blockNr: 2, frameNr: 4 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: 4 });
  });

  it('netlink_set_ring: frames_per_block * nm_block_nr is computed in 32-bit unsigned arithmetic (wraps)', () => {
    // 4 * (2^30 + 1) = 2^32 + 4, which is 4 modulo 2^32: the kernel accepts frame_nr = 4.
    expect(checkCreate(req({ blockNr: 2 ** 30 + 1, frameNr: 4 }))).toEqual({ ok: true, framesPerBlock: 4 });
    // ... and rejects the mathematically right count, which does not fit 32 bits anyway once wrapped.
    expect(checkCreate(req({ blockNr: 2 ** 30 + 1, frameNr: 5 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: 4 });
    // 2^30 blocks of 4 frames wrap to 0 frames.
    expect(checkCreate(req({ blockNr: 2 ** 30, frameNr: 0 }))).toEqual({ ok: true, framesPerBlock: 4 });
  });

  it('netlink_set_ring: the first failing check decides; frames_per_block is only written by requests that pass the alignment checks', () => {
    // Misaligned frame AND wrong count: fails at alignment, nothing written.
    expect(checkCreate(req({ frameSize: 1026, frameNr: 99 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
    // Unaligned block AND frame too small: fails at the block, nothing written.
    expect(checkCreate(req({ blockSize: 100, frameSize: 8 }))).toEqual({ ok: false, errno: EINVAL, fpbWritten: null });
  });
});

describe('netlink_set_ring destroy check (checkDestroy)', () => {
  it('netlink_set_ring: destroy (nm_block_nr == 0) with nm_frame_nr != 0 -> EINVAL', () => {
    expect(checkDestroy({ blockSize: 0, blockNr: 0, frameSize: 0, frameNr: 1 })).toBe(EINVAL);
  });

  it('netlink_set_ring: destroy with nm_frame_nr == 0 passes whatever the other fields hold', () => {
    expect(checkDestroy({ blockSize: 0, blockNr: 0, frameSize: 0, frameNr: 0 })).toBe(0);
    expect(checkDestroy({ blockSize: 123, blockNr: 0, frameSize: 7, frameNr: 0 })).toBe(0);
  });
});

describe('__netlink_lookup_frame addressing and maxlen', () => {
  it('__netlink_lookup_frame: frame i is in block i / frames_per_block at offset (i % frames_per_block) * frame_size', () => {
    // 1000-byte frames, 4 per 4 KiB block: the block tail (96 bytes) is skipped, not used by frame 4.
    expect(frameAddress(0, 4, 1000, 4096)).toEqual({ block: 0, offset: 0, inBlock: true });
    expect(frameAddress(3, 4, 1000, 4096)).toEqual({ block: 0, offset: 3000, inBlock: true });
    expect(frameAddress(4, 4, 1000, 4096)).toEqual({ block: 1, offset: 0, inBlock: true });
    expect(frameAddress(7, 4, 1000, 4096)).toEqual({ block: 1, offset: 3000, inBlock: true });
  });

  it('__netlink_lookup_frame: a frames_per_block that does not match the frame size addresses past the block', () => {
    // frames_per_block 4 (from a rejected 1 KiB request) with the installed 4 KiB frames: frame 1 starts at 4096.
    expect(frameAddress(1, 4, 4096, 4096)).toEqual({ block: 0, offset: 4096, inBlock: false });
  });

  it('maxlen = frame_size - NL_MMAP_HDRLEN', () => {
    expect(maxLen(1024)).toBe(1000);
    expect(maxLen(24)).toBe(0);
    expect(maxLen(4096)).toBe(4072);
  });

  it('netlink_mmap: a ring occupies pg_vec_len * pg_vec_pages * PAGE_SIZE bytes', () => {
    expect(ringBytes(4096, 1)).toBe(4096);
    expect(ringBytes(8192, 3)).toBe(3 * 8192);
    expect(ringBytes(0, 0)).toBe(0);
  });
});
