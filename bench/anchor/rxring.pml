/* nlring's SPIN anchor: a memory-mapped netlink RX ring of F frames. K kernel
   senders queue M messages each; one user thread reads the ring in order and
   either gives a frame back at once or keeps it (as SKIP, at most two at a time)
   and gives it back later. It exists to measure SPIN on this machine next to
   nlring: bench/anchor/rxring.ts is the same transition system written as an
   nlring spec, and the two must store the same number of states.
   Build: spin -DF=4 -DK=3 -DM=2 -a rxring.pml; gcc -O2 -DSAFETY [-DNOREDUCE] pan.c */
#ifndef F
#define F 4
#endif
#ifndef K
#define K 3
#endif
#ifndef M
#define M 3
#endif
/* nm_status values of a frame */
#define UNUSED 0
#define RESERVED 1
#define VALID 2
#define SKIP 3

byte status[F];   /* nm_status of each frame */
byte payload[F];  /* which message a frame carries (never read: SPIN hides it) */
byte khead = 0;   /* the kernel's ring head */
byte ucursor = 0; /* the user's read position */
byte nread = 0;   /* messages the user consumed */
byte nlost = 0;   /* messages dropped for want of a frame */
byte nheld = 0;   /* frames the user keeps as SKIP */

proctype kernel_sender(byte me) {
  byte sent = 0; byte frame;
  do
  :: sent < M ->
     /* allocation under the queue lock, one step: pass over SKIP frames, then
        reserve the head frame if it is UNUSED, else the message is lost */
     atomic {
       byte hops = 0;
       do
       :: hops < F && status[khead] == SKIP -> khead = (khead + 1) % F; hops++
       :: else -> break
       od;
       if
       :: status[khead] == UNUSED -> frame = khead; status[frame] = RESERVED; khead = (khead + 1) % F
       :: else -> frame = 255; nlost++
       fi
     };
     /* publishing the filled frame is a second step */
     if
     :: frame != 255 -> atomic { payload[frame] = me * 16 + sent; status[frame] = VALID }
     :: else -> skip
     fi;
     sent++
  :: else -> break
  od
}

active proctype user_reader() {
  do
  /* consume the frame under the cursor and give it back */
  :: atomic { status[ucursor] == VALID -> nread++; status[ucursor] = UNUSED; ucursor = (ucursor + 1) % F }
  /* keep it for later (SKIP), while fewer than two are kept */
  :: atomic { status[ucursor] == VALID && nheld < 2 -> status[ucursor] = SKIP; nheld++; ucursor = (ucursor + 1) % F }
  /* a kept frame under the cursor: move past it */
  :: atomic { status[ucursor] == SKIP -> ucursor = (ucursor + 1) % F }
  /* give back the lowest-numbered kept frame */
  :: atomic { nheld > 0 -> byte j = 0;
       do :: j < F && status[j] != SKIP -> j++ :: else -> break od;
       if :: j < F -> status[j] = UNUSED; nheld-- :: else -> skip fi }
  od
}

init { byte k = 0; atomic { do :: k < K -> run kernel_sender(k); k++ :: else -> break od } }

/* every message is read or lost at most once */
ltl accounted { [] (nread + nlost <= K * M) }
