/**
 * struct nl_mmap_req validation and frame addressing (protocol.md §1, §2.1).
 * Pure arithmetic: the order of checks matters because setsockopt writes
 * `frames_per_block` into the live ring before the last two checks.
 */
import { EFAULT, EINVAL, EPERM, HDRLEN, MSG_ALIGN, PAGE_SIZE } from './constants.js';

export interface MmapReq {
  readonly blockSize: number;
  readonly blockNr: number;
  readonly frameSize: number;
  readonly frameNr: number;
}

export type CreateCheck =
  /** `fpbWritten`: the value written into ring->frames_per_block before failing, if the check got that far. */
  | { readonly ok: false; readonly errno: number; readonly fpbWritten: number | null }
  | { readonly ok: true; readonly framesPerBlock: number };

/**
 * The size checks of netlink_set_ring for a create (nm_block_nr != 0), in kernel
 * order (af_netlink.c netlink_set_ring, 3.10 and 4.5 alike). ENOMEM is not modelled.
 */
export function checkCreate(req: MmapReq): CreateCheck {
  // (int)req->nm_block_size <= 0
  const signedBlock = req.blockSize | 0;
  if (signedBlock <= 0) return { ok: false, errno: EINVAL, fpbWritten: null };
  if (req.blockSize % PAGE_SIZE !== 0) return { ok: false, errno: EINVAL, fpbWritten: null };
  if (req.frameSize < HDRLEN) return { ok: false, errno: EINVAL, fpbWritten: null };
  if (req.frameSize % MSG_ALIGN !== 0) return { ok: false, errno: EINVAL, fpbWritten: null };
  // ring->frames_per_block = req->nm_block_size / req->nm_frame_size; written to the live ring here.
  const fpb = Math.floor(req.blockSize / req.frameSize);
  if (fpb === 0) return { ok: false, errno: EINVAL, fpbWritten: fpb };
  // ring->frames_per_block * req->nm_block_nr != req->nm_frame_nr, in 32-bit unsigned arithmetic.
  if (Math.imul(fpb, req.blockNr) >>> 0 !== req.frameNr >>> 0) return { ok: false, errno: EINVAL, fpbWritten: fpb };
  return { ok: true, framesPerBlock: fpb };
}

/** sizeof(struct nl_mmap_req): four unsigned ints. */
export const NL_MMAP_REQ_SIZE = 16;

/** How a setsockopt(NETLINK_RX_RING / NETLINK_TX_RING) call is made, besides the request itself. */
export interface SetsockoptCall {
  /** The caller has CAP_NET_ADMIN (capable(), not namespace-aware). */
  readonly capNetAdmin: boolean;
  readonly optlen: number;
  /** optval points to unreadable memory. */
  readonly badPointer: boolean;
}

/**
 * netlink_setsockopt's checks before netlink_set_ring (3.10 and 4.5 alike):
 * capable(CAP_NET_ADMIN) else EPERM; optlen < sizeof(req) -> EINVAL; copy failure -> EFAULT.
 */
export function checkSetsockoptCall(call: SetsockoptCall): number {
  if (!call.capNetAdmin) return EPERM;
  if (call.optlen < NL_MMAP_REQ_SIZE) return EINVAL;
  if (call.badPointer) return EFAULT;
  return 0;
}

/**
 * netlink_mmap's checks: vm_pgoff != 0 -> EINVAL; no ring configured (expected size 0)
 * -> EINVAL; a VMA size other than the RX ring then the TX ring, back to back -> EINVAL.
 */
export function checkMmap(pgoff: number, vmaBytes: number, expectedBytes: number): number {
  if (pgoff !== 0) return EINVAL;
  if (expectedBytes === 0) return EINVAL;
  if (vmaBytes !== expectedBytes) return EINVAL;
  return 0;
}

/** The check of a destroy request (nm_block_nr == 0): only nm_frame_nr is looked at. */
export function checkDestroy(req: MmapReq): number {
  return req.frameNr !== 0 ? EINVAL : 0;
}

/** Bytes a ring occupies in the mapping: pg_vec_len * pg_vec_pages * PAGE_SIZE. */
export function ringBytes(blockSize: number, blockNr: number): number {
  const pages = Math.ceil(blockSize / PAGE_SIZE);
  return blockNr * pages * PAGE_SIZE;
}

/**
 * __netlink_lookup_frame: frame i lives in block i / frames_per_block at offset
 * (i % frames_per_block) * frame_size. Returns the byte offset inside the ring,
 * and whether that frame lies inside its block (false means the address is past
 * the block: an out-of-bounds frame).
 */
export function frameAddress(i: number, framesPerBlock: number, frameSize: number, blockSize: number) {
  const block = Math.floor(i / framesPerBlock);
  const offset = (i % framesPerBlock) * frameSize;
  return { block, offset, inBlock: offset + frameSize <= blockSize };
}

/** Payload capacity of a frame ("maxlen" in af_netlink.c). */
export function maxLen(frameSize: number): number {
  return frameSize - HDRLEN;
}

/**
 * The frame a user finds at ring + i * frame_size (libmnl's 2012 mnl_socket_get_frame,
 * which assumes frames are contiguous): frame j when that byte offset is where
 * __netlink_lookup_frame puts frame j, or -1 when it falls in the unused tail of a
 * block or inside a frame. The two agree exactly when frame_size divides block_size.
 */
export function contiguousFrame(i: number, req: MmapReq): number {
  const fpb = Math.floor(req.blockSize / req.frameSize);
  const byte = i * req.frameSize;
  const block = Math.floor(byte / req.blockSize);
  const off = byte - block * req.blockSize;
  if (off % req.frameSize !== 0 || off / req.frameSize >= fpb) return -1;
  const j = block * fpb + off / req.frameSize;
  return j < req.frameNr ? j : -1;
}
