// DECNET_TOPOLOGY at the decoy's start-up (issue 22): absent means a flat LAN; anything the engine
// could not have written (not JSON, not core's decky topology) stops the decoy with a clear message.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseDeckyTopology } from '../src/topology-env.ts'
import { PIVOT } from './topologies.ts'

const TOPOLOGY = PIVOT

const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))

/** The decoy's entry point with `topology` as DECNET_TOPOLOGY: its exit code and stderr. */
function startDecoy(topology: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(TSX, [MAIN], {
    env: {
      PATH: process.env.PATH,
      DECNET_DECKY: 'decky-topology-env',
      DECNET_BIND: '127.0.0.1',
      DECNET_SERVICES: '[]',
      DECNET_TOPOLOGY: topology,
    },
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })))
}

describe('DECNET_TOPOLOGY', () => {
  it('absent or blank is a flat LAN; a decky topology parses as given', async () => {
    expect(await parseDeckyTopology(undefined)).toBeUndefined()
    expect(await parseDeckyTopology('  ')).toBeUndefined()
    expect(await parseDeckyTopology(JSON.stringify(TOPOLOGY))).toEqual(TOPOLOGY)
  })

  it('rejects what is not JSON or not a decky topology, naming the first problem', async () => {
    await expect(parseDeckyTopology('{links:')).rejects.toThrow(/^DECNET_TOPOLOGY is not valid JSON$/)
    await expect(parseDeckyTopology(JSON.stringify({ ...TOPOLOGY, links: [] }))).rejects.toThrow(
      /^DECNET_TOPOLOGY is not a decky topology \(links, gateway, forwards, neighbours\): links: /,
    )
    const badIp = { ...TOPOLOGY, neighbours: [{ ...TOPOLOGY.neighbours[0], ip: '172.30.0.999' }] }
    await expect(parseDeckyTopology(JSON.stringify(badIp))).rejects.toThrow(/: neighbours\.0\.ip: /)
  })

  it('a bad one stops the decoy at start-up with that message', async () => {
    const broken = await startDecoy('{"links": [')
    expect(broken.code).toBe(2)
    expect(broken.stderr).toBe('decnet-decoy: DECNET_TOPOLOGY is not valid JSON\n')
    const wrong = await startDecoy(JSON.stringify({ ...TOPOLOGY, forwards: 'yes' }))
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toMatch(/^decnet-decoy: DECNET_TOPOLOGY is not a decky topology .*: forwards: /)
  }, 60_000)
})
