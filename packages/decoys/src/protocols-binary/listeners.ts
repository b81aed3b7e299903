import type { EmulatorContext, RunningEmulator } from '../emulator.ts'
import { listenTcp, type TcpListenOptions } from '../framework/tcp.ts'
import { listenUdp, type UdpListenOptions } from '../framework/udp.ts'

type Listener = { port: number; close(): Promise<void> }

/** Bundles listeners into the running-emulator shape; ports are reported in `ctx.ports` order. */
export function running(listeners: Listener[]): RunningEmulator {
  return {
    ports: listeners.map((listener) => listener.port),
    close: async () => {
      await Promise.all(listeners.map((listener) => listener.close()))
    },
  }
}

/** The same TCP protocol on every configured port (e.g. smb on 445 and 139). */
export async function tcpOnEveryPort(
  ctx: EmulatorContext,
  options: Omit<TcpListenOptions, 'ctx' | 'port'>,
): Promise<RunningEmulator> {
  const listeners: Listener[] = []
  try {
    for (const port of ctx.ports) listeners.push(await listenTcp({ ...options, ctx, port }))
  } catch (error) {
    await Promise.all(listeners.map((listener) => listener.close()))
    throw error
  }
  return running(listeners)
}

/** The same UDP protocol on every configured port. */
export async function udpOnEveryPort(
  ctx: EmulatorContext,
  options: Omit<UdpListenOptions, 'ctx' | 'port'>,
): Promise<RunningEmulator> {
  const listeners: Listener[] = []
  try {
    for (const port of ctx.ports) listeners.push(await listenUdp({ ...options, ctx, port }))
  } catch (error) {
    await Promise.all(listeners.map((listener) => listener.close()))
    throw error
  }
  return running(listeners)
}
