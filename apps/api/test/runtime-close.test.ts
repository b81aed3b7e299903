// Closing the API runtime lets go of everything it started, the local engine's decoy listeners
// included (they live in the API's own process), so a runtime can be stopped and another started.
import net from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { readyAdmin } from './support/accounts.ts'
import { deployOne, startInProcessApi } from './support/in-process.ts'

/** Whether something accepts a TCP connection at address:port. */
function answers(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port }, () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('closing the API runtime', () => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('stops the local engine`s decoys with it', async () => {
    const api = await startInProcessApi()
    cleanups.push(() => api.stop())
    const { client: admin } = await readyAdmin(api)
    const address = await deployOne(admin, '[closing]\nservices = ssh\n')
    expect(await answers(address, 22)).toBe(true)
    await api.close()
    expect(await answers(address, 22)).toBe(false)
  })
})
