import { execFileSync } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1 and a private port (initdb + pg_ctl from PATH or Debian's
 * /usr/lib/postgresql), run as the `postgres` user when we are root, since the server refuses root.
 */
export async function startPostgres(): Promise<{ url: string; stop(): void }> {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
  const dir = mkdtempSync(join(tmpdir(), 'decnet-lifecycle-pg-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }))
    chownSync(dir, id('-u'), id('-g'))
  }
  const env = { ...process.env, PATH: `${process.env.PATH}:/usr/lib/postgresql/15/bin` }
  const run = (command: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', 'env', `PATH=${env.PATH}`, command, ...args], {
          stdio: 'pipe',
        })
      : execFileSync(command, args, { stdio: 'pipe', env })
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N'])
  run('pg_ctl', [
    '-D',
    data,
    '-o',
    `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off`,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ])
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
