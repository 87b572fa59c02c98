/**
 * What a scenario tells the spec: ring geometry, which threads exist and their
 * bounds. Scenario instances live in src/scenarios; this is only their shape.
 */
import type { MmapReq } from './geometry.js';
import type { Property } from './interface.js';
import type { MemoryModel, State } from './state.js';

export interface ProducerParams {
  /** Messages this producer sends. */
  readonly count: number;
  /**
   * `ring`: a converted subsystem (netlink_alloc_skb); `nfq`: nfnetlink_queue, ids are
   * packet ids entered in the verdict queue; `plain`: an unconverted subsystem (alloc_skb);
   * `mcast`: a multicast sender (netlink_broadcast of an ordinary skb).
   */
  readonly path: 'ring' | 'nfq' | 'plain' | 'mcast';
  /** Tag of its first message; later ones count up. Tags 1..29 are tracked by ghost bit masks. */
  readonly firstTag: number;
  /** The subsystem may fail construction after allocation and free the skb undelivered (R3). */
  readonly mayAbandon?: boolean;
}

/**
 * The userspace RX loops people actually wrote (user/consumer.ts has the details):
 * - `doc`: the kernel documentation's loop (netlink_mmap.txt), which libmnl's 2015 rework
 *   also follows (block-aware frame addresses): VALID read, COPY recv, anything else poll.
 * - `libmnl-2012`: libmnl's first mmap branch, whose frame address is ring + i * frame_size,
 *   right only when frames fill their blocks exactly.
 * - `ulogd2`: ulogd2's NFLOG/NFQ input: after a wakeup, an UNUSED frame at the cursor sends
 *   it searching the whole ring for a VALID frame (mnl_ring_lookup_frame).
 * - `nurs`: nurs's mnl_ring_cb_run: marks a frame SKIP before its callback, scans on from an
 *   UNUSED, RESERVED or SKIP frame to the next VALID or COPY one, and goes back to its event
 *   loop after every frame.
 */
export type ConsumerStyle = 'doc' | 'libmnl-2012' | 'ulogd2' | 'nurs';
export const CONSUMER_STYLES: readonly ConsumerStyle[] = ['doc', 'libmnl-2012', 'ulogd2', 'nurs'];

export interface ConsumerParams {
  /** Which consumer's loop it runs (default `doc`). */
  readonly style?: ConsumerStyle;
  /** Frames it may hold as SKIP at once and release later in any order (0: none; ulogd2's NFQ output holds them). */
  readonly maxHold: number;
  /** Start a dump at the beginning. */
  readonly dump?: boolean;
  /**
   * With `dump`: send the dump request only after the first COPY message has been
   * received with recv() and its frame released (a ring user that talked to the
   * kernel before it dumps), instead of at the beginning.
   */
  readonly dumpAfterCopy?: boolean;
  /**
   * Size of the buffer passed to recv() for COPY messages (netlink_recvmsg's
   * `len`, which 3.15+ record in max_recvmsg_len for dump autosizing). Default
   * DEFAULT_RECV_BUF (kernel/recvmsg.ts): 16 KiB, a large buffer (the
   * documentation's loop does not say how large its buffer is).
   */
  readonly recvBuf?: number;
  /** Send nfqueue batch verdicts through the TX ring, at most this many. */
  readonly verdicts?: number;
  /**
   * It may stop at any point where it would look at a frame: munmap the rings (the
   * scenario's initial mapping), close its descriptor and end, as a program does when it
   * exits. Needs `mapped`. Releases the socket unless something else still holds it.
   */
  readonly stops?: boolean;
}

export interface TxParams {
  /** Messages to submit through the TX ring. */
  readonly count: number;
  /** Frames filled before each sendto(fd, NULL, 0). */
  readonly batch: number;
  /** sendto with MSG_DONTWAIT. */
  readonly dontwait: boolean;
  /** First message tag. */
  readonly firstTag: number;
  /** Destination: the kernel (portid 0), or a port that has gone away (netlink_unicast fails with ECONNREFUSED). */
  readonly dst?: 'kernel' | 'missing-port';
  /**
   * How the user asks the kernel to send what is VALID in the TX ring. `sendto`
   * (default): sendto(fd, NULL, 0, ...), one iovec with a NULL base, as the
   * documentation and libmnl do. `sendmsg-noiov`: sendmsg() with msg_iovlen == 0,
   * which 3.10 … 3.19 answer by testing an iovec nobody initialised (B4), and
   * which later kernels send as an ordinary, empty message.
   */
  readonly call?: 'sendto' | 'sendmsg-noiov';
  /** Ways this user breaks the documented rules (none by default); see TxMisbehaviour. */
  readonly misbehave?: TxMisbehaviour;
  /**
   * False: a thread that fills no frames and only makes `count` send calls, for what
   * another thread of the process filled (one thread builds requests, another flushes the
   * ring). Its sendmsg then reads frames another CPU wrote (PUBLISH-TX). Default true.
   */
  readonly fills?: boolean;
}

/**
 * A TX user that does not follow the rules of netlink_mmap.txt, to check that it hurts
 * only itself: the kernel must still read nothing outside the frame, free nothing in use,
 * and the socket's other parties (an RX consumer, kernel senders) still get what they are
 * owed. Each field turns on one kind of misbehaviour, explored as a choice where it can be.
 */
export interface TxMisbehaviour {
  /**
   * Every message's nm_len is a choice: the true length, maxlen + 8 (more than the frame
   * holds: netlink_mmap_sendmsg's bound check must refuse it) or 8 (less than a netlink
   * header: the receiver's netlink_rcv_skb must find no message in it).
   */
  readonly badLen?: boolean;
  /** After a send call returns an error, call again (without changing the ring), at most this many times in all. */
  readonly retries?: number;
  /**
   * After each send call, mark the frame it submitted last VALID again without refilling it:
   * a submission repeated, after the kernel took (and may have reused) the frame.
   */
  readonly resubmit?: boolean;
}

export interface SiblingParams {
  /** How many rewrites it may make. */
  readonly writes: number;
}

export type SetupOp =
  | {
      readonly op: 'setsockopt';
      readonly ring: 'rx' | 'tx';
      readonly req: number;
      /** Defaults: the caller has CAP_NET_ADMIN, optlen = sizeof(struct nl_mmap_req), a readable pointer. */
      readonly capNetAdmin?: boolean;
      readonly optlen?: number;
      readonly badPointer?: boolean;
    }
  /** Defaults: offset 0 and exactly the size of the configured rings. */
  | { readonly op: 'mmap'; readonly pgoff?: number; readonly bytes?: number }
  | { readonly op: 'munmap' }
  | { readonly op: 'close' }
  /**
   * Another socket (of the same protocol) binds the port id this socket has: bind() with
   * nl_pid set to it, retried while it fails with EADDRINUSE, so it succeeds once
   * netlink_release has unhashed this socket; netlink_unicast's lookup by that port id
   * then finds the other socket.
   */
  | { readonly op: 'bind' };

export type ThreadSpec =
  | { readonly name: string; readonly program: 'producer'; readonly params: ProducerParams }
  | { readonly name: string; readonly program: 'consumer'; readonly params: ConsumerParams }
  | { readonly name: string; readonly program: 'txuser'; readonly params: TxParams }
  | { readonly name: string; readonly program: 'sibling'; readonly params: SiblingParams }
  | { readonly name: string; readonly program: 'forker' }
  | { readonly name: string; readonly program: 'setup'; readonly params: { readonly ops: readonly SetupOp[] } };

export interface ScenarioConfig {
  readonly id: string;
  readonly description: string;
  /** setsockopt requests; `rx`/`tx` and SetupOp.req index into this list. */
  readonly requests: readonly MmapReq[];
  /** Request index configured on each ring before the run starts, or null. */
  readonly rx: number | null;
  readonly tx: number | null;
  /** The rings are mmap()ed (once) before the run starts. */
  readonly mapped: boolean;
  readonly threads: readonly ThreadSpec[];
  /** Length in bytes of every message a producer or the TX user writes. */
  readonly msgLen: number;
  /** Dump parts before NLMSG_DONE (when a consumer dumps). */
  readonly dumpParts?: number;
  /** Kernel allocations (alloc_skb for TX copies) may fail with ENOBUFS. */
  readonly allocFailures?: boolean;
  /** NETLINK_NO_ENOBUFS set on the socket. */
  readonly noEnobufs?: boolean;
  /** sk_rcvbuf in bytes (default net.core.rmem_default, 212992; kernel/rmem.ts). */
  readonly rcvbuf?: number;
  /** States the scenario is meant to reach; missing one makes a run vacuous. */
  readonly witnesses: readonly Property<State>[];
  /** Invariants that do not apply (with the reason in a comment at the scenario). */
  readonly excludes?: readonly string[];
  /**
   * The memory model (model/mem.ts): `sc` (the default), `tso` (x86) or `weak`
   * (arm64, POWER). Set by `--memory` or a `+tso` / `+weak` suffix of the scenario's name.
   */
  readonly memory?: MemoryModel;
  /**
   * How the userspace threads order their frame accesses (matters under tso and weak):
   * `ordered` (the default), as a correct program must (protocol §6: acquire on the status
   * load, a write barrier before publishing a frame or handing it back), or `plain`, as the
   * documentation's example, libmnl, ulogd2 and nurs were written (plain loads and stores).
   */
  readonly userOrder?: UserOrder;
}

/** How userspace orders its ring accesses (ScenarioConfig.userOrder). */
export type UserOrder = 'ordered' | 'plain';
export const USER_ORDERS: readonly UserOrder[] = ['ordered', 'plain'];
