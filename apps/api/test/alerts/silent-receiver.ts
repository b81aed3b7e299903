// A receiver that accepts the connection and then says nothing: the transport must give up when its
// signal aborts (the delivery worker's per-attempt timeout) instead of waiting for its own long timeout.
import net from 'node:net'
import { expect } from 'vitest'
import { type AlertTransport, TransportError } from '../../src/alerts/transport.ts'
import { sampleAlert } from './sample-alert.ts'

export async function expectGivesUpOnSilentReceiver(create: (port: number) => AlertTransport): Promise<void> {
  const held: net.Socket[] = []
  const silent = net.createServer((socket) => held.push(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const transport = create((silent.address() as net.AddressInfo).port)
  try {
    const started = Date.now()
    const err = await transport.send(sampleAlert(), AbortSignal.timeout(300)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect((err as Error).message).toMatch(/aborted/)
    // Generous bound: far below the transports' own 30 s greeting/connect timeouts.
    expect(Date.now() - started).toBeLessThan(10_000)
  } finally {
    await transport.close()
    for (const socket of held) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  }
}
