/**
 * Explanations of violated invariants: for a state where a property's predicate
 * is false, one or two sentences naming the values that broke it (which frame,
 * which thread, which status, which message). Each reads the same fields as its
 * predicate, so the sentence says why the predicate failed, not a paraphrase of
 * the doc. The text report adds, from the trace, the steps at which the frames
 * it names got their holder or status (report/timeline.ts).
 *
 * Wording conventions, which the timeline's history relies on: a frame is named
 * `rx frame N` / `tx frame N`; a message `mT#I` (tag T, id I) as the drawing shows it.
 * Pure: no I/O.
 */
import { COPY, DUMP_TAG_BASE, HDRLEN, MSG_DONE, RESERVED, RX, SKIP, STATUS_NAMES, UNUSED, VALID, errnoName } from '../model/constants.js';
import { maxLen } from '../model/geometry.js';
import { tagBit } from '../model/kernel/sock.js';
import { threadName } from '../model/names.js';
import { SKB_RX, SKB_TX, type Frame, type Ring, type State } from '../model/state.js';

const nameOf = (s: State, ti: number): string => (ti < 0 ? 'no thread' : threadName(s.layout, ti));
const statusName = (st: number): string => STATUS_NAMES[st] ?? `status ${st}`;
const ringName = (ring: number): string => (ring === RX ? 'rx' : 'tx');
const msgName = (msg: number, seq: number): string => `m${msg}${seq ? `#${seq}` : ''}`;
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function framesOf(r: Ring): Frame[] {
  const out: Frame[] = [];
  if (r.gen === 0) return out;
  for (let i = 0; i < r.frameNr; i++) out.push(r.frames[i]);
  return out;
}

/** `UNUSED, claimed for a COPY by plain` / `RESERVED by prod1` / `SKIP, held by consumer`: the status and who holds the frame. */
export function frameState(s: State, ring: number, i: number): string {
  const r = ring === RX ? s.sock.rx : s.sock.tx;
  if (r.gen === 0 || i < 0 || i >= r.frameNr) return 'not in the ring';
  const f = r.frames[i];
  const what = `${statusName(f.status)}${f.msg ? ` (holding ${msgName(f.msg, f.seq)})` : ''}`;
  if (f.owner >= 0) {
    const who = nameOf(s, f.owner);
    if (f.status === UNUSED) return `${what} (${who} has claimed it for a COPY and not yet marked it COPY)`;
    if (f.status === RESERVED) return `${what} (reserved by ${who}, not yet published)`;
    return `${what} (held by ${who} while it writes it)`;
  }
  if (ring === RX && f.status === SKIP) {
    const ti = s.threads.findIndex((t) => t.l.held.toArray().includes(i));
    if (ti >= 0) return `${what} (kept by ${nameOf(s, ti)} to release later)`;
  }
  return what;
}

/** What a consumer could take now: the VALID rx frames and the queued messages, in words. */
function consumable(s: State): string[] {
  const parts: string[] = [];
  const valid = framesOf(s.sock.rx).flatMap((f, i) => (f.status === VALID ? [i] : []));
  if (valid.length > 0) parts.push(`rx frame${valid.length === 1 ? '' : 's'} ${valid.join(', ')} ${valid.length === 1 ? 'is' : 'are'} VALID`);
  const q = s.sock.rcvq.toArray();
  if (q.length > 0) parts.push(`the receive queue holds ${queueText(s)}`);
  return parts;
}

function queueText(s: State): string {
  const q = s.sock.rcvq.toArray();
  if (q.length === 0) return 'nothing';
  return q.map((x) => `${msgName(x.msg, x.seq)}${x.frame >= 0 ? ` (queued for a COPY into rx frame ${x.frame}, now ${statusName(s.sock.rx.frames[x.frame]?.status ?? UNUSED)})` : ''}`).join(', ');
}

/** The threads asleep in poll (at the consumer's sleep step), by name. */
function sleepers(s: State): string[] {
  return s.threads.flatMap((t, ti) => (t.pc === 'c.sleep' ? [nameOf(s, ti)] : []));
}

type Explain = (s: State) => string;

function ownRxKernelWrite(s: State): string {
  const e = s.ghost.last;
  const who = nameOf(s, e.thread);
  const frame = `rx frame ${e.frame}`;
  const wrote = e.after >= 0 ? `${who} set ${frame} from ${statusName(e.before)} to ${statusName(e.after)}` : `${who} wrote into ${frame} (${statusName(e.before)})`;
  if (e.after === UNUSED) return `${wrote}: only the user releases an RX frame, the kernel never sets one UNUSED.`;
  if (e.before === UNUSED && e.ownerBefore >= 0) {
    return `${wrote}, but ${nameOf(s, e.ownerBefore)} had claimed ${frame} for a COPY and still held it: only the claimer may write it.`;
  }
  if (e.before === RESERVED) {
    return e.ownerBefore >= 0
      ? `${wrote}, but ${frame} was reserved by ${nameOf(s, e.ownerBefore)}, not by ${who}.`
      : `${wrote}, but ${frame} was RESERVED by no kernel thread: its reservation was already handed over.`;
  }
  return `${wrote}, but a ${statusName(e.before)} frame belongs to the user: the kernel may write only UNUSED frames nobody claimed, or frames it reserved or claimed itself.`;
}

function ownTxKernelWrite(s: State): string {
  const e = s.ghost.last;
  return `${nameOf(s, e.thread)} wrote tx frame ${e.frame} while it was ${statusName(e.before)}: the kernel owns a TX frame only while it is VALID (submitted) or RESERVED (its zero-copy skb in flight).`;
}

function ownUserWrite(s: State): string {
  const e = s.ghost.last;
  const allowed = e.ring === RX ? 'VALID, COPY or SKIP' : 'UNUSED';
  const to = e.after >= 0 ? ` (setting it ${statusName(e.after)})` : '';
  return `${nameOf(s, e.thread)} wrote ${ringName(e.ring)} frame ${e.frame}${to} while it was ${statusName(e.before)}: a user owns ${ringName(e.ring).toUpperCase()} frames only while they are ${allowed}.`;
}

function notoctouTxAct(s: State): string {
  const ti = s.threads.findIndex((t) => t.l.aMsg !== -1 && t.l.aMsg !== t.l.vMsg);
  if (ti < 0) return 'no thread acts on content other than what it validated (the predicate failed on another field).';
  const l = s.threads[ti].l;
  const content = (v: number) => (v < 0 ? 'nothing' : msgName(v >> 6, v & 63));
  return `${nameOf(s, ti)} validated ${content(l.vMsg)} in tx frame ${l.txFrame} but acts on ${content(l.aMsg)}: the message changed in the shared frame between the check and the use.`;
}

function notoctouTxLen(s: State): string {
  for (let ti = 0; ti < s.threads.length; ti++) {
    const reads = s.threads[ti].l.txReads.toArray();
    if (reads.some((x) => x !== reads[0])) {
      const times = reads.length === 2 ? 'twice' : `${reads.length} times`;
      return `${nameOf(s, ti)} read nm_len of tx frame ${s.threads[ti].l.txFrame} ${times} and got ${reads.join(', then ')}: its length decisions do not come from one read.`;
    }
  }
  return 'every thread read one nm_len per frame (the predicate failed on another field).';
}

function acctPending(s: State): string {
  const alive = (kind: number) => s.threads.flatMap((t, ti) => (t.l.skb === kind ? [`${nameOf(s, ti)} (frame ${t.l.skbFrame})`] : []));
  const rx = alive(SKB_RX);
  const tx = alive(SKB_TX);
  const part = (name: string, r: Ring, live: string[]) =>
    `${name} pending is ${r.pending} with ${plural(live.length, 'ring skb')} alive${live.length ? `: ${live.join(', ')}` : ''}`;
  return `${part('rx', s.sock.rx, rx)}; ${part('tx', s.sock.tx, tx)}.`;
}

function acctNoFreeInUse(s: State): string {
  const k = s.sock;
  const parts: string[] = [];
  s.threads.forEach((t, ti) => {
    const r = t.l.skb === SKB_RX ? k.rx : t.l.skb === SKB_TX ? k.tx : null;
    if (r && t.l.skbGen !== r.gen) {
      const which = t.l.skb === SKB_RX ? 'rx' : 'tx';
      parts.push(`${nameOf(s, ti)} still holds a ring skb into ${which} frame ${t.l.skbFrame} of ring memory generation ${t.l.skbGen}, but that memory was freed (${which} is now ${r.gen === 0 ? 'no ring' : `generation ${r.gen}`})`);
    }
  });
  if (k.mapped > 0) {
    if (k.vmaRxGen !== 0 && k.vmaRxGen !== k.rx.gen) parts.push(`a live mapping still points at rx ring generation ${k.vmaRxGen}, freed (rx is now ${k.rx.gen === 0 ? 'no ring' : `generation ${k.rx.gen}`})`);
    if (k.vmaTxGen !== 0 && k.vmaTxGen !== k.tx.gen) parts.push(`a live mapping still points at tx ring generation ${k.vmaTxGen}, freed (tx is now ${k.tx.gen === 0 ? 'no ring' : `generation ${k.tx.gen}`})`);
  }
  if (s.ghost.usedFreed) {
    const e = s.ghost.last;
    parts.unshift(e.kind === 'kstore' || e.kind === 'ustore'
      ? `${nameOf(s, e.thread)} wrote ${ringName(e.ring)} frame ${e.frame} of ring memory that was already freed`
      : 'a kernel thread read or wrote a frame of ring memory that was already freed');
  }
  return `${parts.join('; ')}.`;
}

function copyQueueMatch(s: State): string {
  const g = s.ghost;
  // The consumer's read step notes what recvmsg returned (consumer.ts c.copied): the tag, or for an id-carrying message its id.
  const who = g.noteThread >= 0 ? nameOf(s, g.noteThread) : 'the consumer';
  const got = g.note === 'read' ? `m${g.noteValue}` : g.note === 'read-id' ? `the message with id ${s.threads[g.noteThread].l.seqLast}` : 'a message';
  const paired = g.copyPaired < 0 ? 'an ordinary message queued with no frame' : `the message queued for rx frame ${g.copyPaired}`;
  return `${who} found rx frame ${g.copyFrame} marked COPY and called recvmsg, which returned ${got}, ${paired}: the COPY frames and the receive queue are out of step.`;
}

function lossReported(s: State): string {
  const k = s.sock;
  return `${plural(s.ghost.unreported, 'message')} lost since the user last read an error (sk_drops ${k.drops}), yet sk_err is ${errnoName(k.skErr)}, not ENOBUFS: the reader is never told.`;
}

/** The UNUSED frames reachable from the head over SKIP frames, for the loss explanations. */
function reachableFree(r: Ring): number[] {
  const out: number[] = [];
  if (r.gen === 0) return out;
  for (let n = 0; n < r.frameNr; n++) {
    const i = (r.head + n) % r.frameNr;
    const st = r.frames[i].status;
    if (st === UNUSED && r.frames[i].owner < 0) out.push(i);
    else if (st !== SKIP) break;
  }
  return out;
}

function lossFreeFrame(s: State): string {
  const g = s.ghost;
  const who = nameOf(s, g.noteThread);
  const how = g.note === 'copy-full' ? 'its COPY delivery' : 'its ring allocation';
  const r = s.sock.rx;
  const free = reachableFree(r);
  const statuses = framesOf(r).map((f, i) => `${i}:${statusName(f.status)}`).join(' ');
  const now = free.length > 0 ? `; rx frame ${free[0]} is UNUSED and reachable from the head (frame ${r.head}) over SKIP frames` : '';
  return `${who} dropped its message because ${how} found no free frame, yet the ring was never full while it held the queue lock (rx: ${statuses}, head ${r.head})${now}.`;
}

function skipProgress(s: State): string {
  const who = nameOf(s, s.ghost.noteThread);
  const r = s.sock.rx;
  const seen = s.threads[s.ghost.noteThread]?.l.fwdSeen ?? 0;
  const examined: number[] = [];
  const unexamined: string[] = [];
  for (let i = 0; i < r.frameNr; i++) ((seen >> i) & 1 ? examined.push(i) : unexamined.push(`${i} (${statusName(r.frames[i].status)})`));
  return `${who}'s forward scan gave up with the head on rx frame ${r.head}, which is SKIP, after examining only frame${examined.length === 1 ? '' : 's'} ${examined.join(', ') || 'none'}; it never looked at frame${unexamined.length === 1 ? '' : 's'} ${unexamined.join(', ')}.`;
}

function pollInSound(s: State): string {
  const who = nameOf(s, s.ghost.noteThread);
  const statuses = framesOf(s.sock.rx).map((f, i) => `${i}:${statusName(f.status)}`).join(' ');
  return `poll returned POLLIN to ${who}, but there is nothing to consume: no rx frame is VALID (${statuses || 'no ring'}) and the receive queue is empty.`;
}

function pollNoLostWakeup(s: State): string {
  const asleep = sleepers(s);
  const what = consumable(s);
  if (s.sock.skErr !== 0) what.push(`sk_err holds ${errnoName(s.sock.skErr)}`);
  return `${asleep.join(' and ') || 'a consumer'} ${asleep.length > 1 ? 'sleep' : 'sleeps'} in poll with no wakeup owed and every other thread finished, yet ${what.join(' and ')}: nobody will wake ${asleep.length > 1 ? 'them' : 'it'}.`;
}

function pollInAtCursor(s: State): string {
  const ti = s.ghost.noteThread;
  const who = nameOf(s, ti);
  const r = s.sock.rx;
  if (r.gen === 0) return `poll returned POLLIN to ${who}, which has no RX ring, but the receive queue is empty.`;
  const t = s.threads[ti];
  let at = t.l.cursor;
  const held = t.l.held.toArray();
  const passed: number[] = [];
  for (let i = 1; i < r.frameNr && r.frames[at].status === SKIP && held.includes(at); i++) {
    passed.push(at);
    at = (at + 1) % r.frameNr;
  }
  const where = passed.length > 0 ? `past the frame${passed.length === 1 ? '' : 's'} ${passed.join(', ')} it holds itself, it looks at rx frame ${at}` : `its cursor is on rx frame ${at}`;
  const why = consumable(s);
  const because = why.length > 0 ? `; poll said POLLIN because ${why.join(' and ')}` : '';
  // A frame claimed for a COPY turns readable only when its claimer writes COPY into it: that store ends the spin.
  const f = r.frames[at];
  const claimer = f.status === UNUSED && f.owner >= 0 ? nameOf(s, f.owner) : '';
  const spins = claimer
    ? `polls again and spins until ${claimer} writes COPY into rx frame ${at} (the longer ${claimer} is delayed or preempted, the longer it spins)`
    : 'polls again and spins';
  return `${who} was told POLLIN, but ${where}, which is ${frameState(s, RX, at)}: it finds nothing to read there, ${spins}${because}.`;
}

function layoutMsgAtHdrlen(s: State): string {
  const r = s.sock.rx;
  for (let i = 0; i < r.frameNr; i++) {
    const f = r.frames[i];
    if ((f.status === VALID || f.status === COPY) && f.len > 0 && f.off !== HDRLEN) {
      return `rx frame ${i} is ${statusName(f.status)} with nm_len ${f.len}, but its message starts at offset ${f.off} from the frame, not at NL_MMAP_HDRLEN (${HDRLEN}), where userspace parses it.`;
    }
    if (f.status === VALID && HDRLEN + f.len > r.frameSize) {
      return `rx frame ${i} is VALID with nm_len ${f.len}: ${HDRLEN} + ${f.len} = ${HDRLEN + f.len} bytes, more than the frame's ${r.frameSize}.`;
    }
  }
  return 'every rx frame has its message at NL_MMAP_HDRLEN (the predicate failed on another field).';
}

function setupGeometry(s: State): string {
  const bad = (r: Ring) => r.gen !== 0 && (r.framesPerBlock !== Math.floor(r.blockSize / r.frameSize) || r.framesPerBlock * r.blockNr !== r.frameNr);
  const parts: string[] = [];
  for (const [name, r] of [['rx', s.sock.rx], ['tx', s.sock.tx]] as const) {
    if (!bad(r)) continue;
    const fpb = Math.floor(r.blockSize / r.frameSize);
    parts.push(
      `the ${name} ring has frames_per_block ${r.framesPerBlock}, but its block_size ${r.blockSize} / frame_size ${r.frameSize} gives ${fpb}` +
        ` and frame_nr is ${r.frameNr} (${fpb} x ${r.blockNr} blocks = ${fpb * r.blockNr}): frames_per_block came from another request than the installed ring`,
    );
  }
  return `${parts.join('; ')}.`;
}

function errSkErrPositive(s: State): string {
  return `sk_err is ${errnoName(s.sock.skErr)} (${s.sock.skErr}): a negative errno was stored where a positive one belongs, so sock_error() hands the reader ${-s.sock.skErr} (not an error).`;
}

function orderRingIds(s: State): string {
  const ti = s.ghost.noteThread;
  const l = s.threads[ti].l;
  return `${nameOf(s, ti)} read id ${l.seqLast} from the ring after id ${s.ghost.noteValue}: ids do not increase in ring order (they were assigned after the frames were allocated).`;
}

const idsOf = (mask: number): number[] => Array.from({ length: 30 }, (_, i) => i).filter((i) => i > 0 && (mask >>> i) & 1);

function nfqVerdictAfterRead(s: State): string {
  const g = s.ghost;
  const early = idsOf(g.verdictIds & ~g.readIds);
  return `packet id${early.length === 1 ? '' : 's'} ${early.join(', ')} got a verdict before the consumer read ${early.length === 1 ? 'it' : 'them'} (ids read: ${idsOf(g.readIds).join(', ') || 'none'}).`;
}

function dumpOrder(s: State): string {
  const g = s.ghost;
  const who = nameOf(s, g.noteThread);
  const index = g.dumpRead - 1;
  const got = g.noteValue === MSG_DONE ? 'NLMSG_DONE' : `dump part ${g.noteValue - DUMP_TAG_BASE}`;
  const want = g.noteValue === MSG_DONE ? `part ${index} (the kernel has emitted ${s.sock.dumpPart} parts)` : `part ${index}`;
  return `${who} read ${got} as dump message ${index}, where ${want} belonged: parts are out of order, repeated or missing.`;
}

function dumpProgress(s: State): string {
  const asleep = sleepers(s);
  return `${asleep.join(' and ') || 'the consumer'} ${asleep.length > 1 ? 'sleep' : 'sleeps'} in poll with no wakeup owed and every other thread finished, while the dump is still running (next part ${s.sock.dumpPart}): nothing will continue it.`;
}

function txProgress(s: State): string {
  const ti = s.ghost.noteThread;
  const r = s.sock.tx;
  const f = r.frames[r.head];
  return `${nameOf(s, ti)}'s sendto(NULL, 0) returned ${s.ghost.noteValue}, but tx frame ${r.head} at the kernel's TX head is still VALID (${msgName(f.msg, f.seq)}, nm_len ${f.len}): the call did not send what the user submitted.`;
}

function detNoUninitBranch(_s: State): string {
  return 'a kernel step branched on a value read from memory nobody wrote (stack garbage), so what the syscall does next is not a function of its arguments and the state.';
}

function deliverPortOwner(s: State): string {
  const who = nameOf(s, s.ghost.noteThread);
  const e = s.ghost.last;
  const where = e.kind === 'kstore' && e.ring === RX ? `rx frame ${e.frame} of the released socket's ring` : "the released socket's ring";
  return `${who}'s netlink_unicast found the port id bound by another socket, yet published its ring skb in ${where}, where the new owner of the port id cannot read it.`;
}

function retKernelSend(s: State): string {
  const g = s.ghost;
  const who = nameOf(s, g.toldThread);
  const m = `m${g.toldMsg}`;
  const r = s.sock.rx;
  const inFrame = framesOf(r).findIndex((f) => f.status === VALID && f.len > 0 && f.off === HDRLEN && f.msg === g.toldMsg);
  const queued = s.sock.rcvq.toArray().some((q) => q.msg === g.toldMsg);
  if (g.toldValue < 0) {
    const where = inFrame >= 0 ? `it is VALID in rx frame ${inFrame}` : queued ? 'it is on the receive queue' : 'the reader has already taken it';
    return `${who} was told ${errnoName(g.toldValue)} for ${m}, but ${where}: the sender believes a delivered message failed and may send it again.`;
  }
  const taken = (g.recvTags & tagBit(g.toldMsg)) !== 0;
  return (
    `${who} was told ${m} was delivered (${g.toldValue} bytes), but it is in no VALID rx frame, not on the receive queue (which holds ${queueText(s)})${taken ? '' : ', not read by anyone'},` +
    ` and sk_err is ${errnoName(s.sock.skErr)}, not ENOBUFS: the message is gone without a trace.`
  );
}

function retTxSendmsg(s: State): string {
  const ti = s.ghost.noteThread;
  const l = s.threads[ti].l;
  return `${nameOf(s, ti)}'s sendmsg returned ${errnoName(s.ghost.noteValue)}, but the call had already taken ${plural(l.txTaken, 'frame')} off the TX ring: told nothing was sent, the user cannot know which messages went out.`;
}

function txReadInFrame(s: State): string {
  const max = maxLen(s.sock.tx.frameSize);
  for (let ti = 0; ti < s.threads.length; ti++) {
    const l = s.threads[ti].l;
    if (l.txFrame < 0) continue;
    const reads = l.txReads.toArray();
    const used = [l.txLen, ...reads.slice(1)].find((x) => x > max);
    if (used !== undefined) {
      return `${nameOf(s, ti)} uses nm_len ${used} for tx frame ${l.txFrame} (reads: ${reads.join(', ')}), more than frame_size ${s.sock.tx.frameSize} - NL_MMAP_HDRLEN = ${max}: the kernel reads past the frame.`;
    }
  }
  return `every nm_len used is at most ${max} (the predicate failed on another field).`;
}

/** PUBLISH-RX / PUBLISH-TX: which load returned what, against what was stored before the status. */
function publish(s: State): string {
  const st = s.ghost.stale;
  if (st === null) return 'every load of a handed-over frame returned what was stored before its status (the predicate failed on another field).';
  const field = st.field === 'len' ? 'nm_len' : st.field === 'off' ? 'the message offset' : st.field === 'seq' ? 'the message id' : 'the message';
  return `${nameOf(s, st.thread)} saw ${ringName(st.ring)} frame ${st.frame} handed over and loaded ${field} = ${st.read}, but ${st.stored} was stored there before the status: it read a value from before the publication (a store still buffered, or a load satisfied early).`;
}

/** The explanation of each invariant, by id. A test checks every invariant of PROPERTIES has one. */
export const EXPLAIN: Readonly<Record<string, Explain>> = {
  'OWN-RX-KERNEL-WRITE': ownRxKernelWrite,
  'OWN-TX-KERNEL-WRITE': ownTxKernelWrite,
  'OWN-USER-WRITE': ownUserWrite,
  'NOTOCTOU-TX-ACT': notoctouTxAct,
  'NOTOCTOU-TX-LEN': notoctouTxLen,
  'ACCT-PENDING': acctPending,
  'ACCT-NO-FREE-IN-USE': acctNoFreeInUse,
  'COPY-QUEUE-MATCH': copyQueueMatch,
  'LOSS-REPORTED': lossReported,
  'LOSS-FREE-FRAME': lossFreeFrame,
  'SKIP-PROGRESS': skipProgress,
  'POLL-IN-SOUND': pollInSound,
  'POLL-NO-LOST-WAKEUP': pollNoLostWakeup,
  'POLL-IN-AT-CURSOR': pollInAtCursor,
  'LAYOUT-MSG-AT-HDRLEN': layoutMsgAtHdrlen,
  'SETUP-GEOMETRY': setupGeometry,
  'ERR-SK-ERR-POSITIVE': errSkErrPositive,
  'ORDER-RING-IDS': orderRingIds,
  'NFQ-VERDICT-AFTER-READ': nfqVerdictAfterRead,
  'DUMP-ORDER': dumpOrder,
  'DUMP-PROGRESS': dumpProgress,
  'TX-PROGRESS': txProgress,
  'DET-NO-UNINIT-BRANCH': detNoUninitBranch,
  'DELIVER-PORT-OWNER': deliverPortOwner,
  'RET-KERNEL-SEND': retKernelSend,
  'RET-TX-SENDMSG': retTxSendmsg,
  'TX-READ-IN-FRAME': txReadInFrame,
  'PUBLISH-RX': publish,
  'PUBLISH-TX': publish,
};

/** The properties with their explanations attached (those without an entry are returned as they are). */
export function explained<P extends { readonly id: string }>(props: readonly P[]): P[] {
  return props.map((p) => (EXPLAIN[p.id] ? { ...p, explain: EXPLAIN[p.id] } : p));
}
