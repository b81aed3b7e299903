import type { DeckyTopology } from '@decnet/core/schemas'

// Topology views of a small maze (issue 22) for the shell and start-up tests.

/** `jump-01`: on the entry LAN `dmz` and the inner `office`, where `fs01` and the pivot `db-gw` sit. */
export const PIVOT: DeckyTopology = {
  links: [
    {
      network: 'dmz',
      ip: '172.30.0.10',
      subnet: '172.30.0.0/24',
      networkGateway: '172.30.0.1',
      internal: false,
    },
    {
      network: 'office',
      ip: '10.50.0.2',
      subnet: '10.50.0.0/16',
      networkGateway: '10.50.0.1',
      internal: true,
    },
  ],
  gateway: null,
  forwards: true,
  neighbours: [
    { name: 'web-01', hostname: 'web-01', ip: '172.30.0.11', network: 'dmz', pivot: false },
    { name: 'office-fs', hostname: 'fs01', ip: '10.50.0.20', network: 'office', pivot: false },
    { name: 'db-gw', hostname: 'db-gw', ip: '10.50.0.30', network: 'office', pivot: true },
  ],
}

/** `fs01`: only on `office`, reached through `jump-01` (its default gateway). */
export const INNER: DeckyTopology = {
  links: [
    {
      network: 'office',
      ip: '10.50.0.20',
      subnet: '10.50.0.0/16',
      networkGateway: '10.50.0.1',
      internal: true,
    },
  ],
  gateway: '10.50.0.2',
  forwards: false,
  neighbours: [
    { name: 'jump-01', hostname: 'jump-01', ip: '10.50.0.2', network: 'office', pivot: true },
    { name: 'db-gw', hostname: 'db-gw', ip: '10.50.0.30', network: 'office', pivot: true },
  ],
}
