import type { FileDrop, Persona } from '@decnet/core/schemas'
import { afterEach } from 'vitest'
import type { EmulatorContext, ServiceConfigValue } from '../src/emulator.ts'

/** How a test starts an emulator: its ports (0 = any), configuration, persona seed and hostname. */
export type TestStartOptions = {
  ports?: number[]
  config?: Record<string, ServiceConfigValue>
  seed?: string
  hostname?: string
  /** The decky's persona (tests of one OS build or product pass their own). */
  persona?: Persona
  /** Bait files an admin dropped (shell, FTP). */
  fileDrops?: FileDrop[]
}

/**
 * The context an emulator gets in production, as a test starts `service` on `bindAddress`: ports (0 =
 * any) and configuration as the test gives them, seed and hostname the persona's unless given.
 */
export function testEmulatorContext(
  service: string,
  bindAddress: string,
  persona: Persona,
  emit: EmulatorContext['emit'],
  options: TestStartOptions & { decky?: string; distro?: string } = {},
): EmulatorContext {
  return {
    decky: options.decky ?? 'decky-test',
    service,
    bindAddress,
    ports: options.ports ?? [0],
    config: options.config ?? {},
    persona,
    seed: options.seed ?? persona.seed,
    hostname: options.hostname ?? persona.hostname,
    ...(options.distro ? { distro: options.distro } : {}),
    emit,
  }
}

/** Emulators the tests started and did not close yet, each by its close. */
const open = new Set<() => Promise<void>>()

/** Closes, after each test of the calling file, every emulator its tests started and left open. */
export function closeStartedAfterEach(): void {
  afterEach(async () => {
    await Promise.all([...open].map((close) => close()))
  })
}

/** Tracks a started emulator; the close returned closes it once (a test may close before the afterEach). */
export function trackStarted(close: () => Promise<void>): () => Promise<void> {
  const closeOnce = async () => {
    if (!open.delete(closeOnce)) return
    await close()
  }
  open.add(closeOnce)
  return closeOnce
}
