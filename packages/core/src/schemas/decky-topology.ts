import { z } from 'zod'
import { NETWORK_NAME_RE } from '../topology/ini.ts'
import { ZDeckyName } from './common.ts'

// What one decky knows of its topology: the engine stores it with the decky (from core's plan) and
// hands it to the decky's decoy as `DECNET_TOPOLOGY` (JSON). The decoy draws its network traces from
// it (`ip a`, `ip route`, `arp -a`, /etc/hosts, ssh traces) and, on a pivot, forwards an SSH client's
// direct-tcpip channels only to the neighbours listed here, never to a gateway (the DECNET host's
// bridge address) or anywhere else.

const ipv4 = z.ipv4()

/** One interface of the decky: its address on one topology network. */
export const deckyTopologyLinkSchema = z.object({
  /** The topology network's name (`[network.<name>]`). */
  network: z.string().regex(NETWORK_NAME_RE),
  ip: ipv4,
  /** The network's canonical CIDR. */
  subnet: z.cidrv4(),
  /** The network's gateway address (the host's bridge: never forwarded to). */
  networkGateway: ipv4,
  /** Docker keeps it off the outside world: it is reached through a pivot. */
  internal: z.boolean(),
})
export type DeckyTopologyLink = z.infer<typeof deckyTopologyLinkSchema>

/** Another decky sharing one of this decky's networks. */
export const deckyTopologyNeighbourSchema = z.object({
  name: ZDeckyName,
  hostname: z.string().min(1).max(253),
  ip: ipv4,
  network: z.string().regex(NETWORK_NAME_RE),
  /** It leads on into a further network (a pivot). */
  pivot: z.boolean(),
})
export type DeckyTopologyNeighbour = z.infer<typeof deckyTopologyNeighbourSchema>

/** The most neighbours a decky is told of (a topology network holds at most a /16 of deckies anyway). */
export const MAX_TOPOLOGY_NEIGHBOURS = 512

export const deckyTopologySchema = z.object({
  /** Its interfaces in `networks =` order; the first holds its primary address. */
  links: z.array(deckyTopologyLinkSchema).min(1).max(32),
  /** Its default gateway when its networks are all inner ones: the upstream pivot's address. */
  gateway: ipv4.nullable(),
  /** It forwards between its networks (a pivot). */
  forwards: z.boolean(),
  neighbours: z.array(deckyTopologyNeighbourSchema).max(MAX_TOPOLOGY_NEIGHBOURS),
})
export type DeckyTopology = z.infer<typeof deckyTopologySchema>

/**
 * The event a pivot's SSH decoy reports for each direct-tcpip channel (`ssh -J pivot inner-host`) an
 * attacker opens through it (`dst_ip`, `dst_port`, `neighbour`, `allowed`); the allowed ones are
 * lateral movement.
 */
export const LATERAL_MOVEMENT_EVENT = 'tcpip_forward'
