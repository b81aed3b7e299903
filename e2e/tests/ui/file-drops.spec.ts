import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { sshpassCommand } from '../../fixtures/attacker.ts'
import { docker } from '../../fixtures/docker.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot, sshDecky, waitTerminal } from '../../fixtures/ui-helpers.ts'

const run = promisify(execFile)
const DECKY = 'drop-box'
const PASSWORD = 'Drop-Root-Login-47'
const SECRET_FILE = '/root/passwords.txt'
const SECRET_TEXT = 'vpn admin: Summer2024!\nbackup NAS: nas-admin / W1nter#77\n'
const FTP_FILE = '/srv/ftp/payroll-2024.csv'
const FTP_TEXT = 'employee,iban,salary\njdoe,DE89370400440532013000,81000\n'

/** Debian's OpenSSH client on the decky (sshpass), as root. */
const sshCommand = (ip: string, command: string) => sshpassCommand(ip, PASSWORD, command)
/** For polls across a decoy's recreation: a refused connection is an answer to wait past. */
const sshAnswer = (ip: string, command: string) =>
  sshCommand(ip, command).catch((error: Error) => error.message)

/** curl's anonymous FTP: a listing (URL ending in /) or a download. */
async function curlFtp(url: string): Promise<string> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '20', url], { timeout: 30_000 })
  return stdout
}

/** The decky's decoy container (all of its built-in services in one process). */
const decoyContainerId = (instance: string) =>
  docker(['inspect', '-f', '{{.Id}}', `${instance}-${DECKY}.decoy`]).trim()

test('file drops: an admin drops bait files from the decky page; ssh cat and find show them, FTP lists and serves them, and they survive a mutation', async ({
  page,
  stack,
}) => {
  test.setTimeout(420_000)
  const { client, ip } = await sshDecky(stack, DECKY, PASSWORD, 'ssh, http')
  expect(await sshCommand(ip, `cat ${SECRET_FILE}`)).toContain('No such file or directory')
  const decoyBefore = decoyContainerId(stack.instance)

  // From the console: the form refuses a path outside the filesystem it may write, then drops.
  const { errors } = await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/fleet/${DECKY}`)
  const drops = page.getByTestId('decky-file-drops')
  await expect(drops).toContainText('No files dropped.')
  const form = drops.getByTestId('file-drop-form')
  await form.getByLabel('Path').fill('/proc/../etc/shadow')
  await expect(form).toContainText('The path must be normalised')
  await expect(form.getByRole('button', { name: 'Drop file' })).toBeDisabled()
  await form.getByLabel('Path').fill(SECRET_FILE)
  await form.getByLabel('Mode').fill('600')
  await form.getByLabel('Content').fill(SECRET_TEXT)
  await form.getByRole('button', { name: 'Drop file' }).click()
  await expect(drops.getByTestId('file-drop-message')).toContainText(`${SECRET_FILE} dropped on ${DECKY}`)
  const listed = drops.getByTestId('file-drop').filter({ hasText: SECRET_FILE })
  await expect(listed).toContainText('600')
  await expect(listed).toContainText(`${Buffer.byteLength(SECRET_TEXT)} B`)
  await shot(page, 'decky-file-drops.png')

  // The repair it queued recreated the decoy with the drop: the attacker's shell shows it.
  await expect.poll(() => sshAnswer(ip, `cat ${SECRET_FILE}`), { timeout: 120_000 }).toBe(SECRET_TEXT)
  expect(decoyContainerId(stack.instance)).not.toBe(decoyBefore)
  expect(await sshCommand(ip, `ls -l ${SECRET_FILE}`)).toMatch(
    new RegExp(`^-rw------- 1 root root\\s+${Buffer.byteLength(SECRET_TEXT)} .* ${SECRET_FILE}\\n$`),
  )
  expect(await sshCommand(ip, 'find /root -name "*.txt"')).toContain(SECRET_FILE)

  // A drop in the FTP root, through the API (the CLI's path): the decky has no FTP yet.
  const ftpDrop = await client.fileDrops.add.mutate({ name: DECKY, path: FTP_FILE, content: FTP_TEXT })
  expect((await waitTerminal(client, [ftpDrop.lifecycleId]))[0]?.status).toBe('succeeded')
  expect(await sshCommand(ip, `cat ${FTP_FILE}`)).toBe(FTP_TEXT)

  // A mutation gives it FTP, started live in the decoy: it gets the drops too, ssh keeps them.
  const preview = await client.fleet.mutatePreview.query({ name: DECKY })
  expect(preview.pool).toContain('ftp')
  const mutated = await client.fleet.mutate.mutate({
    name: DECKY,
    services: ['ssh', 'ftp'],
    expectedServices: preview.current,
  })
  expect((await waitTerminal(client, mutated.lifecycleIds, 180_000))[0]?.status).toBe('succeeded')
  expect((await client.fleet.get.query({ name: DECKY })).services).toEqual(['ssh', 'ftp'])
  const listing = await curlFtp(`ftp://${ip}/`)
  expect(listing).toMatch(new RegExp(`\\s${Buffer.byteLength(FTP_TEXT)} .* payroll-2024\\.csv\\r?\\n`))
  expect(await curlFtp(`ftp://${ip}/payroll-2024.csv`)).toBe(FTP_TEXT)
  expect(await sshCommand(ip, `cat ${SECRET_FILE}`)).toBe(SECRET_TEXT)

  // Removed from the console: gone from the shell after its repair.
  await page.reload()
  await drops
    .getByTestId('file-drop')
    .filter({ hasText: SECRET_FILE })
    .getByRole('button', { name: 'Remove' })
    .click()
  await expect(drops.getByTestId('file-drop-message')).toContainText(`${SECRET_FILE} removed from ${DECKY}`)
  await expect(drops.getByTestId('file-drop')).toHaveCount(1)
  await expect
    .poll(() => sshAnswer(ip, `cat ${SECRET_FILE}`), { timeout: 120_000 })
    .toContain('No such file or directory')
  // Bait reads like credentials: the stack's own output never echoes it.
  expect(stack.output()).not.toContain('Summer2024!')
  expect(stack.output()).not.toContain('DE89370400440532013000')
  expect(errors()).toEqual([])
})
