import { readFileSync } from 'node:fs'
import { typeOverSsh } from '../../../packages/decoys/test/support/ssh-client.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot, sshDecky } from '../../fixtures/ui-helpers.ts'

const PASSWORD = 'Replay-Root-Login-77'
const MARK = 'replay-check-4711'

test('sessions: an SSH shell is recorded and replays in the console with the commands typed', async ({
  page,
  stack,
}) => {
  test.setTimeout(300_000)
  const { client, ip } = await sshDecky(stack, 'rec-ssh', PASSWORD)
  // Typed a key at a time, as the console's keystroke overlay will replay it.
  await typeOverSsh({ address: ip, password: PASSWORD }, [`echo ${MARK}`, 'whoami'], {
    keyDelayMs: 30,
    pauseMs: 700,
  })

  // Wait (through the API) until the ingest stored the finished recording.
  let attackerId = ''
  await expect
    .poll(
      async () => {
        const { rows } = await client.attackers.list.query({ service: 'ssh', limit: 50 })
        for (const attacker of rows) {
          const sessions = await client.attackers.sessions.query({ id: attacker.id })
          if (sessions.terminal.some((s) => s.decky === 'rec-ssh' && s.endedAt)) {
            attackerId = attacker.id
            return true
          }
        }
        return false
      },
      { timeout: 90_000 },
    )
    .toBe(true)

  await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/attackers/${attackerId}`)
  const recorded = page.getByTestId('terminal-session-row').filter({ hasText: 'rec-ssh' }).first()
  await expect(recorded).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('connection-row').filter({ hasText: 'ssh' }).first()).toBeVisible()
  await recorded.getByRole('link', { name: 'Replay' }).click()
  await expect(page).toHaveURL(/\/sessions\//)
  await expect(page.getByRole('heading', { name: /Terminal session/ })).toBeVisible()

  // The player starts on a click and draws the terminal as the recording plays.
  const player = page.getByTestId('session-player')
  await expect(player.locator('.ap-player')).toBeVisible({ timeout: 30_000 })
  await player.locator('.ap-player').click()
  await expect(player.locator('.ap-term')).toContainText(`echo ${MARK}`, { timeout: 60_000 })
  await expect(player.locator('.ap-term')).toContainText('whoami', { timeout: 60_000 })
  // The command's output, after the typed line: the shell really ran what was typed.
  await expect(player.locator('.ap-term')).toContainText(new RegExp(`echo ${MARK}\\s*${MARK}`), {
    timeout: 60_000,
  })
  await shot(page, 'session-replay.png')

  // The same recording downloads as an asciicast v2 file (header line, then one event per line).
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download .cast' }).click(),
  ])
  const cast = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n')
  expect(JSON.parse(cast[0] ?? '{}')).toMatchObject({ version: 2, env: { SHELL: '/bin/bash' } })
  const typed = cast
    .slice(1)
    .map((line) => JSON.parse(line) as [number, string, string])
    .filter((event) => event[1] === 'i')
    .map((event) => event[2])
    .join('')
  expect(typed).toContain(`echo ${MARK}`)
})
