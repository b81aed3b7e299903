import type { Persona } from '@decnet/core'
import type { EmulatorContext, RunningEmulator } from '../src/emulator.ts'
import { createEmitter } from '../src/framework/events.ts'
import { loadEmulator } from '../src/registry.ts'
import { eventLog, loopbackHost } from './helpers.ts'
import { trackStarted } from './started.ts'

/** Starts one emulator in-process with the given persona (the context every emulator gets in production). */
export async function startWithPersona(
  slug: string,
  persona: Persona,
  options: { ports?: number[]; config?: EmulatorContext['config']; host?: string } = {},
) {
  const emulator = await loadEmulator(slug)
  if (!emulator) throw new Error(`no emulator ${slug}`)
  const log = eventLog()
  const host = options.host ?? loopbackHost()
  const context = {
    decky: 'decky-web',
    service: slug,
    bindAddress: host,
    ports: options.ports ?? [0],
    config: options.config ?? {},
    persona,
    seed: persona.seed,
    hostname: persona.hostname,
    emit: createEmitter('decky-web', slug, log.sink),
  } as EmulatorContext
  const running = await emulator.start(context)
  const tracked: RunningEmulator = { ports: running.ports, close: trackStarted(() => running.close()) }
  return { host, running: tracked, port: running.ports[0] as number, ...log }
}
