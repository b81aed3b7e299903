// Issue 18 acceptance: the attack-session corpus (packages/decoys/test/fixtures/shell-corpus) replayed
// through Debian's OpenSSH client (sshpass, one exec per line as bots send them) against deckies
// deployed on real Docker with the project's decoy image, each running the persona its sessions
// target. Every transcript has the shape of its hand-reviewed golden file (numbers, dates and padding
// follow the live clock and addresses), and no command the persona's OS ships is "not found".
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CORPUS,
  CORPUS_PASSWORD,
  CORPUS_PERSONAS,
  type CorpusPersona,
  goldenPath,
  type ReplayStep,
  sessionLines,
  shapeOf,
  shippedButNotFound,
  transcript,
} from '../../decoys/test/fixtures/shell-corpus/corpus.ts'
import { sshpassArgs } from '../../decoys/test/support/ssh-client.ts'
import { type DeckySpec, DockerEngine } from '../src/index.ts'
import { buildDecoyImage } from './support/decoy-image.ts'
import { deckySpec, dockerTestbed, removeInstance } from './support/docker.ts'

const run = promisify(execFile)
const { docker, instance, network } = dockerTestbed()
const addresses = new Map<CorpusPersona, string>()

/** A decky running only ssh (root's password set) with exactly the corpus persona. */
function corpusDecky(key: CorpusPersona, ip: string): DeckySpec {
  const persona = CORPUS_PERSONAS[key]
  const base = deckySpec(`corpus-${key}`, ip, [
    { slug: 'ssh', ports: [{ port: 22, protocol: 'tcp' }], config: { password: CORPUS_PASSWORD } },
  ])
  return { ...base, hostname: persona.hostname, mac: persona.mac.toLowerCase(), seed: persona.seed, persona }
}

beforeAll(async () => {
  const image = buildDecoyImage()
  const engine = new DockerEngine({
    image,
    instance,
    networkName: `${instance}_lan`,
    readinessTimeoutMs: 120_000,
  })
  const keys = Object.keys(CORPUS_PERSONAS) as CorpusPersona[]
  for (const [i, key] of keys.entries()) {
    const ip = `${network.prefix}.${30 + i}`
    await engine.deploy(corpusDecky(key, ip), network)
    addresses.set(key, ip)
  }
}, 600_000)

afterAll(async () => {
  await removeInstance(docker, instance)
}, 120_000)

/** One exec over a real ssh login: what the client printed (the decoy sends stderr on the channel too) and the exit status. */
async function sshExec(address: string, command: string): Promise<ReplayStep> {
  const [pass, password, ssh, ...rest] = sshpassArgs({ address, password: CORPUS_PASSWORD, command })
  const args = [pass as string, password as string, ssh as string, '-o', 'LogLevel=ERROR', ...rest]
  try {
    const { stdout } = await run('sshpass', args, { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 })
    return { command, output: stdout, status: 0 }
  } catch (error) {
    const failed = error as { stdout?: string; code?: number | string }
    if (typeof failed.code !== 'number' || failed.stdout === undefined) throw error
    return { command, output: failed.stdout, status: failed.code }
  }
}

describe('attack-session corpus through a real ssh client against deployed deckies', () => {
  // In corpus order: sessions on one decky follow each other (the key persistence after the recon).
  for (const { session, persona } of CORPUS) {
    it(`${session} on the ${persona} decky has its golden transcript's shape`, async () => {
      const address = addresses.get(persona) as string
      const steps: ReplayStep[] = []
      for (const line of sessionLines(session)) steps.push(await sshExec(address, line))
      const live = transcript(steps)
      expect(shippedButNotFound(live, CORPUS_PERSONAS[persona])).toEqual([])
      expect(shapeOf(live)).toBe(shapeOf(readFileSync(goldenPath(session), 'utf8')))
    }, 300_000)
  }
})
