/**
 * Benchmark (spec §10, fleet density; issue 21): DENSITY_DECKIES (200) deckies × 3 services (ssh,
 * http, ftp) on the real decoy image, on this machine's daemon.
 *
 * 1. Deploy time: the fleet through DockerEngine (to reachable: readiness probes included) versus a
 *    raw dockerode script creating and starting the very same containers (the engine's own create
 *    options), both with the runner's concurrency (4), in the same run. Target ≤ 1.5×.
 * 2. On the engine's fleet, once deployed and left alone: memory as `docker stats` shows it (cgroup
 *    usage minus inactive page cache) summed over every container (target ≤ 6 GiB, ≤ 10 MiB per
 *    service), with the proportional set size of their processes beside it; the containerd shims
 *    (one per container, outside the containers' cgroups) reported apart.
 * 3. Idle CPU of the whole fleet over DENSITY_IDLE_S (30) seconds, from the containers' cpuacct
 *    (target ≤ 10 % of one core).
 * 4. Deckies per GiB against the previous layout (one node process per service, each in its own
 *    container, and a node process as the base, all with node's defaults), measured on
 *    DENSITY_BASELINE_DECKIES (20) deckies in the same run with the same image and bundles; so the
 *    baseline is if anything smaller than the old image was (its bundles kept their comments).
 *
 *   flock /tmp/decnet-heavy.lock pnpm --filter @decnet/lifecycle exec tsx bench/fleet-density.bench.ts
 *
 * Reads cgroup v1 (cgroupfs driver) or v2 files of the containers, so it runs on the daemon's host.
 * Everything it creates carries its own engine instance label and is removed at the end.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { baseContainer, type ContainerSettings, decoyContainer } from '../src/engine/docker/containers.ts'
import { createDockerClient, type DeckySpec, DockerEngine } from '../src/index.ts'
import { buildDecoyImage } from '../test/support/decoy-image.ts'
import {
  bridgeNetwork,
  deckySpec,
  inBatches,
  removeInstance,
  tcpService,
  testInstance,
} from '../test/support/docker.ts'
import { rawDeploy, rawSettings } from './raw-deploy.ts'

const DECKIES = Number(process.env.DENSITY_DECKIES ?? 200)
const IDLE_SECONDS = Number(process.env.DENSITY_IDLE_S ?? 30)
const BASELINE_DECKIES = Number(process.env.DENSITY_BASELINE_DECKIES ?? 20)
/** The lifecycle runner's default (DECNET_RUNNER_CONCURRENCY). */
const CONCURRENCY = 4
const SERVICES = 3
const TARGET = { ratio: 1.5, fleetGiB: 6, perServiceMiB: 10, idleCorePercent: 10 }
const MiB = 2 ** 20

const docker = createDockerClient()
const instance = testInstance()
const networkName = `${instance}_lan`
const network = bridgeNetwork()

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS')
const load = () => loadavg()[0]?.toFixed(1) ?? '?'

function fleet(prefix: string, count: number, first: number): DeckySpec[] {
  return Array.from({ length: count }, (_, i) =>
    deckySpec(`${prefix}-${String(i + 1).padStart(3, '0')}`, `${network.prefix}.${first + i}`, [
      tcpService('ssh', 22),
      tcpService('http', 80),
      tcpService('ftp', 21),
    ]),
  )
}

/** Runs `work` over every spec, `CONCURRENCY` at a time; the wall time, and every failure. */
async function timed(specs: DeckySpec[], work: (spec: DeckySpec) => Promise<unknown>) {
  const started = performance.now()
  const results = await inBatches(specs, CONCURRENCY, work)
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected' ? [`${specs[i]?.name}: ${(result.reason as Error).message}`] : [],
  )
  return { ms: performance.now() - started, failures }
}

async function removeDeckies(specs: DeckySpec[]): Promise<void> {
  const names = new Set(specs.map((spec) => spec.name))
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`decnet.instance=${instance}`] },
  })
  await inBatches(
    containers.filter((container) => names.has(container.Labels['decnet.decky'] ?? '')),
    8,
    (container) => docker.getContainer(container.Id).remove({ force: true, v: true }),
  )
}

/** A cgroup file of a container: cgroup v1 with the cgroupfs driver, or v2 with systemd. */
function cgroupFile(
  controller: 'memory' | 'cpuacct',
  id: string,
  v1: string,
  v2: string,
): { v2: boolean; text: string } {
  const layouts = [
    { v2: false, path: `/sys/fs/cgroup/${controller}/docker/${id}/${v1}` },
    { v2: true, path: `/sys/fs/cgroup/system.slice/docker-${id}.scope/${v2}` },
  ]
  for (const layout of layouts) {
    try {
      return { v2: layout.v2, text: readFileSync(layout.path, 'utf8') }
    } catch {
      // try the next layout
    }
  }
  throw new Error(
    `no cgroup ${controller} file for container ${id.slice(0, 12)} (run this on the daemon's host)`,
  )
}

/** `key value` (cgroup stat files) or `Key:   value kB` (smaps_rollup), as a number. */
function field(text: string, key: string): number {
  return Number(new RegExp(`^${key}:?\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0)
}

/** Memory as `docker stats` shows it: usage minus inactive page cache. */
function statsMemory(id: string): number {
  const usage = Number(cgroupFile('memory', id, 'memory.usage_in_bytes', 'memory.current').text)
  const stat = cgroupFile('memory', id, 'memory.stat', 'memory.stat')
  return usage - field(stat.text, stat.v2 ? 'inactive_file' : 'total_inactive_file')
}

/** CPU time (ns) the container's processes used so far. */
function cpuNanoseconds(id: string): number {
  const usage = cgroupFile('cpuacct', id, 'cpuacct.usage', 'cpu.stat')
  return usage.v2 ? field(usage.text, 'usage_usec') * 1000 : Number(usage.text)
}

/** Proportional set size of a process (its shared pages split between their users), in bytes. */
function pss(pid: number): number {
  try {
    return field(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss') * 1024
  } catch {
    return 0
  }
}

/** PSS of every process of the container. */
function containerPss(id: string): number {
  const procs = cgroupFile('memory', id, 'cgroup.procs', 'cgroup.procs').text.split('\n').filter(Boolean)
  return procs.reduce((sum, pid) => sum + pss(Number(pid)), 0)
}

/** The containerd shim of each container id (it lives outside the container's cgroup). */
function shimPids(ids: Set<string>): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      const id = argv[argv.indexOf('-id') + 1]
      if (argv[0]?.includes('containerd-shim') && id && ids.has(id)) pids.push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }
  return pids
}

type Footprint = { containers: number; memory: number; pss: number; shims: number }

async function footprint(specs: DeckySpec[]): Promise<Footprint> {
  const names = new Set(specs.map((spec) => spec.name))
  const containers = (
    await docker.listContainers({ filters: { label: [`decnet.instance=${instance}`] } })
  ).filter((container) => names.has(container.Labels['decnet.decky'] ?? ''))
  const ids = new Set(containers.map((container) => container.Id))
  return {
    containers: ids.size,
    memory: [...ids].reduce((sum, id) => sum + statsMemory(id), 0),
    pss: [...ids].reduce((sum, id) => sum + containerPss(id), 0),
    shims: shimPids(ids).reduce((sum, pid) => sum + pss(pid), 0),
  }
}

/** Fleet CPU over `seconds` left alone, as a percentage of one core. */
async function idleCpu(specs: DeckySpec[], seconds: number): Promise<number> {
  const names = new Set(specs.map((spec) => spec.name))
  const ids = (await docker.listContainers({ filters: { label: [`decnet.instance=${instance}`] } }))
    .filter((container) => names.has(container.Labels['decnet.decky'] ?? ''))
    .map((container) => container.Id)
  const before = ids.map(cpuNanoseconds)
  const started = process.hrtime.bigint()
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
  const elapsed = Number(process.hrtime.bigint() - started)
  const used = ids.reduce((sum, id, i) => sum + cpuNanoseconds(id) - (before[i] ?? 0), 0)
  return (used / elapsed) * 100
}

/**
 * The previous layout on a sample: a node process idling as the base, and one container per service
 * running the same decoy entry with node's defaults (no V8 flags, glibc's default of 8 malloc arenas
 * per core).
 */
async function deployPreviousLayout(specs: DeckySpec[], settings: ContainerSettings, cores: number) {
  await inBatches(specs, CONCURRENCY, async (spec) => {
    const base = baseContainer(spec, settings)
    const created = await docker.createContainer({
      ...base.options,
      name: base.name,
      Entrypoint: ['/usr/bin/node', '-e', 'setInterval(() => {}, 2 ** 31 - 1)'],
    })
    await created.start()
    await Promise.all(
      spec.services.map(async (service) => {
        const one = decoyContainer({ ...spec, services: [service] }, created.id, settings)
        const container = await docker.createContainer({
          ...one.options,
          name: `${one.name}-${service.slug}`,
          Cmd: ['main.mjs'],
          Env: [...(one.options.Env ?? []), `MALLOC_ARENA_MAX=${8 * cores}`],
        })
        await container.start()
      }),
    )
  })
}

async function main(): Promise<void> {
  const image = buildDecoyImage()
  const imageId = (await docker.getImage(image).inspect()).Id
  const cores = (await docker.info()).NCPU as number
  const engine = new DockerEngine({ image, instance, networkName, readinessTimeoutMs: 120_000 })
  const settings = rawSettings(instance, networkName, imageId)
  const specs = fleet('dens', DECKIES, 10)
  try {
    // The LAN exists and the daemon has run this image before either side is timed.
    const warmUp = fleet('warm', 4, 240)
    await timed(warmUp, (spec) => engine.deploy(spec, network))
    await removeDeckies(warmUp)

    console.log(
      `fleet density: ${DECKIES} deckies × ${SERVICES} services (ssh, http, ftp), ${image}, concurrency ${CONCURRENCY}`,
    )
    const rawRun = await timed(specs, (spec) => rawDeploy(docker, settings, spec))
    console.log(
      `  raw dockerode (create + start, same options): ${(rawRun.ms / 1000).toFixed(1)} s, load ${load()}`,
    )
    if (rawRun.failures.length > 0)
      throw new Error(`raw deploy failed: ${rawRun.failures.slice(0, 3).join('; ')}`)
    await removeDeckies(specs)

    const engineRun = await timed(specs, (spec) => engine.deploy(spec, network))
    const succeeded = DECKIES - engineRun.failures.length
    const ratio = engineRun.ms / rawRun.ms
    console.log(
      `  DockerEngine (to reachable): ${(engineRun.ms / 1000).toFixed(1)} s, ${succeeded}/${DECKIES} succeeded, load ${load()}`,
    )
    for (const failure of engineRun.failures.slice(0, 5)) console.log(`    failed: ${failure}`)
    console.log(
      `  deploy ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET.ratio}×, all succeeded) ${verdict(ratio <= TARGET.ratio && succeeded === DECKIES)}`,
    )

    // Left alone: start-up work (key generation, first GCs) is done before anything is measured.
    await new Promise((resolve) => setTimeout(resolve, 15_000))
    const now = await footprint(specs)
    const fleetGiB = now.memory / 2 ** 30
    const perService = now.memory / MiB / (succeeded * SERVICES)
    console.log(
      `  fleet memory (docker stats): ${fleetGiB.toFixed(2)} GiB in ${now.containers} containers, ` +
        `${(now.memory / MiB / succeeded).toFixed(1)} MiB per decky, ${perService.toFixed(1)} MiB per service ` +
        `(target ≤ ${TARGET.fleetGiB} GiB, ≤ ${TARGET.perServiceMiB} MiB per service) ` +
        `${verdict(fleetGiB <= TARGET.fleetGiB && perService <= TARGET.perServiceMiB)}`,
    )
    console.log(
      `  fleet PSS ${(now.pss / 2 ** 30).toFixed(2)} GiB (${(now.pss / MiB / succeeded).toFixed(1)} MiB per decky); ` +
        `containerd shims outside the containers ${(now.shims / MiB).toFixed(0)} MiB (${(now.shims / MiB / succeeded).toFixed(1)} MiB per decky)`,
    )
    const cpu = await idleCpu(specs, IDLE_SECONDS)
    console.log(
      `  idle fleet CPU over ${IDLE_SECONDS} s: ${cpu.toFixed(2)} % of one core (target ≤ ${TARGET.idleCorePercent} %), load ${load()} ${verdict(cpu <= TARGET.idleCorePercent)}`,
    )
    await removeDeckies(specs)

    const sample = fleet('prev', BASELINE_DECKIES, 10)
    await deployPreviousLayout(sample, settings, cores)
    await new Promise((resolve) => setTimeout(resolve, 15_000))
    const previous = await footprint(sample)
    const perDeckyNow = now.memory / succeeded
    const perDeckyBefore = previous.memory / BASELINE_DECKIES
    console.log(
      `  previous layout (node base + one node per service, node defaults; ${BASELINE_DECKIES} deckies, ` +
        `${previous.containers} containers): ${(perDeckyBefore / MiB).toFixed(1)} MiB per decky, PSS ` +
        `${(previous.pss / MiB / BASELINE_DECKIES).toFixed(1)}, shims ${(previous.shims / MiB / BASELINE_DECKIES).toFixed(1)}`,
    )
    console.log(
      `  deckies per GiB: ${(2 ** 30 / perDeckyNow).toFixed(1)} now vs ${(2 ** 30 / perDeckyBefore).toFixed(1)} before ` +
        `(${(perDeckyBefore / perDeckyNow).toFixed(2)}×); with the shims: ` +
        `${(2 ** 30 / ((now.memory + now.shims) / succeeded)).toFixed(1)} vs ` +
        `${(2 ** 30 / ((previous.memory + previous.shims) / BASELINE_DECKIES)).toFixed(1)}`,
    )
    if (
      ratio > TARGET.ratio ||
      succeeded < DECKIES ||
      fleetGiB > TARGET.fleetGiB ||
      cpu > TARGET.idleCorePercent
    )
      process.exitCode = 1
  } finally {
    await removeInstance(docker, instance)
  }
}

await main()
