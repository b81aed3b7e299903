import type { Persona } from '@decnet/core'
import type { EmulatorContext, RunningEmulator } from '../src/emulator.ts'
import { createEmitter } from '../src/framework/events.ts'
import { loadEmulator } from '../src/registry.ts'
import { eventLog, loopbackHost } from './helpers.ts'
import { testEmulatorContext, trackStarted } from './started.ts'

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
  const running = await emulator.start(
    testEmulatorContext(slug, host, persona, createEmitter('decky-web', slug, log.sink), {
      ...options,
      decky: 'decky-web',
    }),
  )
  const tracked: RunningEmulator = { ports: running.ports, close: trackStarted(() => running.close()) }
  return { host, running: tracked, port: running.ports[0] as number, ...log }
}
