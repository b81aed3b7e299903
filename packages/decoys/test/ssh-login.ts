import { Client } from 'ssh2'

/**
 * An SSH login by a real client (ssh2), as an attacker makes it: resolves with what `command` printed
 * (empty without a command), or null when the login is refused; other failures reject.
 */
export function sshLogin(options: {
  host: string
  port?: number
  username: string
  password: string
  command?: string
  readyTimeoutMs?: number
}): Promise<string | null> {
  const { host, port = 22, username, password, command, readyTimeoutMs = 15_000 } = options
  return new Promise((resolve, reject) => {
    const client = new Client()
    client
      .on('ready', () => {
        if (command === undefined) {
          client.end()
          return resolve('')
        }
        client.exec(command, (error, stream) => {
          if (error) return reject(error)
          let output = ''
          stream.on('data', (chunk: Buffer) => {
            output += chunk.toString()
          })
          stream.on('close', () => {
            client.end()
            resolve(output)
          })
        })
      })
      .on('error', (error: Error & { level?: string }) => {
        if (error.level === 'client-authentication') resolve(null)
        else reject(error)
      })
      .connect({ host, port, username, password, readyTimeout: readyTimeoutMs, tryKeyboard: false })
  })
}
