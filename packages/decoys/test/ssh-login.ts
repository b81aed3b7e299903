import { Client, type ClientChannel } from 'ssh2'

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

/** A real ssh2 client logged in with a password; rejects when the login fails. */
export function connectSsh(
  target: { host: string; port: number },
  username: string,
  password: string,
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client()
    client.once('ready', () => resolve(client))
    client.on('error', reject)
    client.connect({ host: target.host, port: target.port, username, password, readyTimeout: 10_000 })
  })
}

/** Runs `command` on an exec channel; resolves with its output and exit code once the channel closes. */
export function execSsh(client: Client, command: string): Promise<{ output: string; code: number }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error)
      let output = ''
      let code = -1
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString()
      })
      stream.on('exit', (exitCode: number) => {
        code = exitCode
      })
      stream.on('close', () => resolve({ output, code }))
    })
  })
}

/** An interactive shell on an xterm pty; `screen()` is everything it has shown so far. */
export async function xtermShell(client: Client): Promise<{ channel: ClientChannel; screen: () => string }> {
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell({ term: 'xterm' }, (error, stream) => (error ? reject(error) : resolve(stream))),
  )
  let screen = ''
  channel.on('data', (chunk: Buffer) => {
    screen += chunk.toString()
  })
  return { channel, screen: () => screen }
}
