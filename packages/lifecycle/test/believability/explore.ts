import { writeFileSync } from 'node:fs'
import { ARCHETYPE_SLUGS } from '@decnet/core'
import { createDockerClient } from '../../src/index.ts'
import { buildDecoyImage, deployFleet } from './support/fleet.ts'
import { nmapScan } from './support/nmap.ts'

const docker = createDockerClient()
const t0 = Date.now()
const image = buildDecoyImage()
console.log('image', image, (Date.now() - t0) / 1000)
const fleet = await deployFleet(docker, image, ARCHETYPE_SLUGS)
console.log('deployed', fleet.deckies.length, 'in', fleet.deploySeconds)
try {
  const tcp = new Set<number>([1])
  const udp = new Set<number>()
  for (const d of fleet.deckies)
    for (const s of d.spec.services) for (const p of s.ports) (p.protocol === 'tcp' ? tcp : udp).add(p.port)
  const t1 = Date.now()
  const scan = await nmapScan({
    targets: fleet.deckies.map((d) => d.spec.ip),
    tcpPorts: [...tcp],
    udpPorts: [...udp],
    scripts: process.argv[2] ? process.argv[2].split(',') : [],
    timeoutMs: 600_000,
  })
  console.log('nmap', (Date.now() - t1) / 1000, scan.args)
  writeFileSync(
    '/tmp/believe/scan-scripts.json',
    JSON.stringify({ deckies: fleet.deckies, hosts: [...scan.hosts.values()] }, null, 1),
  )
} finally {
  await fleet.teardown()
}
