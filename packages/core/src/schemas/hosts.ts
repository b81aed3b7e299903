// hosts.* shapes (multi-host placement over Docker Engine with mutual TLS).
import { z } from 'zod'
import { parseCidr } from '../net/ipv4.ts'
import { ZIpv4 } from './common.ts'

export const ZNetworkDriver = z.enum(['macvlan', 'ipvlan', 'bridge'])
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
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'host names match ^[a-z0-9][a-z0-9-]{0,62}$'),
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
export const ZHostStatus = z.enum(['enrolled', 'active', 'unreachable', 'decommissioning', 'decommissioned'])
export type HostStatus = z.infer<typeof ZHostStatus>
