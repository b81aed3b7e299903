import { Socket } from 'node:net'

/** Reads what a TCP service says on connect (the fake decoy's banner names service, decky and hostname). */
export function readBanner(host: string, port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket()
    let text = ''
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      reject(new Error(`no banner from ${host}:${port}`))
    })
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8')
    })
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
    socket.connect(port, host)
  })
}
