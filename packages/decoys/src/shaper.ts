/**
 * The work of a decky's stack shaper container (docs/tcp-stack.md): joins the base container's network
 * namespace, clamps the routes' receive window when the profile asks (so the kernel itself offers
 * the profile's window-scale factor), attaches the profile's egress (and optional ingress) BPF
 * program to eth0 with tc, checks they are attached, and exits. It runs under the pause process
 * (`pause /usr/bin/node shape`, pause/pause.c), which then idles in its place, so the container stays
 * up under Docker's restart policy: whenever the daemon brings the base back (a new namespace), it
 * brings this back too and the shaping is redone. Exits non-zero with the reason when any step fails,
 * so the decky shows `degraded`.
 */
import { execFileSync } from 'node:child_process'

const DEVICE = 'eth0'
const OBJECT = '/opt/decnet/tcp-stack.bpf.o'
const PROGRAM_RE = /^[a-z][a-z0-9_]{0,30}$/

type Route = {
  dst: string
  gateway?: string
  dev?: string
  protocol?: string
  scope?: string
  prefsrc?: string
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim()
    throw new Error(`${command} ${args.join(' ')}: ${stderr || (error as Error).message}`)
  }
}

function clampRouteWindows(window: number): void {
  const routes = JSON.parse(
    run('/usr/sbin/ip', ['-j', 'route', 'show', 'table', 'main', 'dev', DEVICE]),
  ) as Route[]
  for (const route of routes) {
    const args = ['route', 'change', route.dst]
    if (route.gateway) args.push('via', route.gateway)
    args.push('dev', DEVICE)
    if (route.protocol) args.push('proto', route.protocol)
    if (route.scope) args.push('scope', route.scope)
    if (route.prefsrc) args.push('src', route.prefsrc)
    run('/usr/sbin/ip', [...args, 'window', String(window)])
  }
}

/** Replaces the filter of one direction (idempotent), then checks tc lists the program there. */
function attach(direction: 'egress' | 'ingress', program: string): void {
  const section = `classifier/${program}`
  const filter = ['dev', DEVICE, direction, 'prio', '1', 'handle', '1']
  run('/usr/sbin/tc', ['filter', 'replace', ...filter, 'bpf', 'direct-action', 'obj', OBJECT, 'sec', section])
  const shown = run('/usr/sbin/tc', ['filter', 'show', 'dev', DEVICE, direction])
  if (!shown.includes(`[${section}]`))
    throw new Error(`tc reports no ${section} on ${DEVICE} ${direction}: ${shown.trim()}`)
}

function programFromEnv(name: string): string | undefined {
  const program = process.env[name]
  if (program === undefined) return undefined
  if (!PROGRAM_RE.test(program)) throw new Error(`invalid ${name} ${JSON.stringify(program)}`)
  return program
}

function main(): void {
  const program = programFromEnv('DECNET_TCP_STACK_PROGRAM')
  if (!program) throw new Error('DECNET_TCP_STACK_PROGRAM is not set')
  const ingress = programFromEnv('DECNET_TCP_STACK_INGRESS_PROGRAM')
  const window = process.env.DECNET_ROUTE_WINDOW ? Number(process.env.DECNET_ROUTE_WINDOW) : undefined
  if (window !== undefined && !(Number.isInteger(window) && window > 0))
    throw new Error(`invalid DECNET_ROUTE_WINDOW ${JSON.stringify(process.env.DECNET_ROUTE_WINDOW)}`)
  if (window !== undefined) clampRouteWindows(window)
  run('/usr/sbin/tc', ['qdisc', 'replace', 'dev', DEVICE, 'clsact'])
  attach('egress', program)
  if (ingress) attach('ingress', ingress)
  const attached = ingress ? `${program} (ingress ${ingress})` : program
  process.stderr.write(`decnet-shaper: classifier/${attached} attached to ${DEVICE}\n`)
}

try {
  main()
} catch (error) {
  process.stderr.write(`decnet-shaper: ${(error as Error).message}\n`)
  process.exit(1)
}
