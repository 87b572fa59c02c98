/**
 * Port ids outlive sockets: netlink_release unhashes a socket, another may bind the
 * same port id, and netlink_unicast looks the destination up again at delivery. A
 * kernel sender holding an skb built for the first socket then delivers it to the
 * second. These properties judge what that delivery does to the message.
 */
import type { Property } from '../model/interface.js';
import type { State } from '../model/state.js';

type P = Property<State>;

export const SOCKET_PROPERTIES: readonly P[] = [
  {
    id: 'DELIVER-PORT-OWNER',
    family: 'port-ids',
    kind: 'always',
    doc: 'A message netlink_unicast delivers, and tells its sender was delivered, lands where the socket that owns the destination port id can read it: never in the ring of another socket.',
    cites: 'af_netlink.c netlink_unicast -> netlink_getsockbyportid at delivery, __netlink_sendskb -> netlink_queue_mmaped_skb (3.10, 4.5): a ring skb is published in the ring it was allocated from, whichever socket the lookup found; netlink_release -> netlink_remove frees the port id before the last reference goes',
    holds: (s) => s.ghost.note !== 'publish-other',
  },
];
