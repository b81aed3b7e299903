// curl as an attacker's HTTP client, for the tests that must know which local address a request left
// from (the one a decoy records as the attacker), in every package that drives a decoy from outside.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Requests `url` with curl (`curlArgs` before it, e.g. `-u user:pw`); the local address it used. */
export async function curlFromAddress(url: string, ...curlArgs: string[]): Promise<string> {
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{local_ip}', ...curlArgs, url])
  return stdout
}
