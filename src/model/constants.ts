/**
 * ABI constants of CONFIG_NETLINK_MMAP (include/uapi/linux/netlink.h, identical
 * in 3.10 and 4.5; protocol.md §1) and the errno / poll values the model uses.
 */

/** enum nl_mmap_status: plain values, not bit flags. */
export const UNUSED = 0;
export const RESERVED = 1;
export const VALID = 2;
export const COPY = 3;
export const SKIP = 4;
export const STATUS_NAMES = ['UNUSED', 'RESERVED', 'VALID', 'COPY', 'SKIP'] as const;
/** One letter per status, for ring drawings. */
export const STATUS_LETTER = ['.', 'R', 'V', 'C', 'S'] as const;

/** NL_MMAP_HDRLEN: struct nl_mmap_hdr (6 x u32) aligned to NL_MMAP_MSG_ALIGNMENT. */
export const HDRLEN = 24;
/** NL_MMAP_MSG_ALIGNMENT = NLMSG_ALIGNTO. */
export const MSG_ALIGN = 4;
export const PAGE_SIZE = 4096;

/** Ring selectors. */
export const RX = 0;
export const TX = 1;
export const RING_NAMES = ['rx', 'tx'] as const;

/** errno values (positive, as the kernel stores them in sk_err). */
export const EPERM = 1;
export const ESRCH = 3;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EINVAL = 22;
export const ENOBUFS = 105;
export const ECONNREFUSED = 111;
export const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 3: 'ESRCH', 11: 'EAGAIN', 12: 'ENOMEM', 14: 'EFAULT', 16: 'EBUSY', 22: 'EINVAL', 105: 'ENOBUFS', 111: 'ECONNREFUSED',
};
export function errnoName(e: number): string {
  if (e === 0) return '0';
  const n = ERRNO_NAMES[Math.abs(e)] ?? String(Math.abs(e));
  return e < 0 ? `-${n}` : n;
}

/** poll bits (asm-generic/poll.h). */
export const POLLIN = 0x001;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;

/** Payload tags. A message's content is modelled as one small integer. */
export const MSG_NONE = 0;
/** What a hostile writer puts into a TX frame: bytes the kernel receiver would reject. */
export const MSG_EVIL = 99;
/** NLMSG_DONE that ends a dump. */
export const MSG_DONE = 98;

/** Dump part tags: part p carries DUMP_TAG_BASE + p; NLMSG_DONE carries MSG_DONE. */
export const DUMP_TAG_BASE = 40;
/**
 * netlink_dump's allocation size, max(min_dump_alloc, NLMSG_GOODSIZE): about a
 * page less skb overhead (3776 bytes on x86-64 with 4 KiB pages). A ring frame
 * must offer this much payload for a dump to use the ring; otherwise the dump
 * falls back to ordinary skbs and COPY frames.
 */
export const NLMSG_GOODSIZE = 3776;
/** nfqueue batch verdict message tag (its seq field carries the highest id covered). */
export const MSG_VERDICT = 97;
