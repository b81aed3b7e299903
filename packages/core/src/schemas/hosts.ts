// hosts.* shapes (multi-host placement over Docker Engine with mutual TLS).
import { z } from 'zod'
import { parseCidr } from '../net/ipv4.ts'
import { DECKY_NAME_RE, ZIpv4 } from './common.ts'

/** Host id of the machine running the API (unihost); enrolled hosts get a generated id. */
export const LOCAL_HOST_ID = 'local'
export const ZHostId = z.string().min(1).max(128)
export type HostId = z.infer<typeof ZHostId>

export const NETWORK_DRIVERS = ['macvlan', 'ipvlan', 'bridge'] as const
export const ZNetworkDriver = z.enum(NETWORK_DRIVERS)
export type NetworkDriver = z.infer<typeof ZNetworkDriver>

export const ZHostNetwork = z.object({
  driver: ZNetworkDriver,
  parent: z.string().max(15).optional(),
  subnet: z
    .string()
    .refine((text) => parseCidr(text).ok, 'expected an IPv4 network such as 192.168.1.0/24 (/8../30)'),
  gateway: ZIpv4,
})

export const ZHostEnrollRequest = z
  .object({
    // A host's name ends up in container and network names too: the decky-name rule.
    name: z.string().regex(DECKY_NAME_RE, `host names match ${DECKY_NAME_RE.source}`),
    // Only a TCP engine can be driven over mutual TLS (a unix socket would silently skip it).
    dockerUrl: z
      .string()
      .max(512)
      .regex(
        /^(tcp|https):\/\/[^\s/]+(:\d+)?\/?$/,
        'expected tcp://<address>:<port> (the engine listening with --tlsverify)',
      ),
    tls: z
      .object({ ca: z.string().max(65536), cert: z.string().max(65536), key: z.string().max(65536) })
      .strict(),
    network: ZHostNetwork.strict().refine((network) => network.driver === 'bridge' || network.parent, {
      message: 'macvlan and ipvlan need the parent interface on that host (network.parent, e.g. eth0)',
      path: ['parent'],
    }),
  })
  .strict()

/** enrolled → active ⇄ unreachable; decommissioning (tearing its deckies down) → decommissioned. */
export const HOST_STATUSES = [
  'enrolled',
  'active',
  'unreachable',
  'decommissioning',
  'decommissioned',
] as const
export const ZHostStatus = z.enum(HOST_STATUSES)
export type HostStatus = z.infer<typeof ZHostStatus>
