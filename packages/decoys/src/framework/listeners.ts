import type { EmulatorContext, RunningEmulator } from '../emulator.ts'
import { listenTcp, type TcpListenOptions } from './tcp.ts'
import { listenUdp, type UdpListenOptions } from './udp.ts'

export type Listener = { port: number; close(): Promise<void> }

/** Bundles listeners into the running-emulator shape; ports are reported in `ctx.ports` order. */
export function running(listeners: readonly Listener[]): RunningEmulator {
  return {
    ports: listeners.map((listener) => listener.port),
    close: async () => {
      await Promise.all(listeners.map((listener) => listener.close()))
    },
  }
}

/**
 * Opens one listener per configured port, in `ctx.ports` order; if one cannot be opened, those
 * already open are closed before the error is rethrown, so a failed start leaves no port bound.
 */
export async function openOnEveryPort(
  ctx: EmulatorContext,
  open: (port: number, index: number) => Promise<Listener>,
): Promise<Listener[]> {
  const listeners: Listener[] = []
  try {
    for (const [index, port] of ctx.ports.entries()) listeners.push(await open(port, index))
  } catch (error) {
    await Promise.all(listeners.map((listener) => listener.close()))
    throw error
  }
  return listeners
}

/** One listener per configured port, opened by `open`, as a running emulator. */
export async function onEveryPort(
  ctx: EmulatorContext,
  open: (port: number, index: number) => Promise<Listener>,
): Promise<RunningEmulator> {
  return running(await openOnEveryPort(ctx, open))
}

/** The same TCP protocol on every configured port (e.g. smb on 445 and 139). */
export async function tcpOnEveryPort(
  ctx: EmulatorContext,
  options: Omit<TcpListenOptions, 'ctx' | 'port'>,
): Promise<RunningEmulator> {
  return onEveryPort(ctx, (port) => listenTcp({ ...options, ctx, port }))
}

/** The same UDP protocol on every configured port. */
export async function udpOnEveryPort(
  ctx: EmulatorContext,
  options: Omit<UdpListenOptions, 'ctx' | 'port'>,
): Promise<RunningEmulator> {
  return onEveryPort(ctx, (port) => listenUdp({ ...options, ctx, port }))
}
