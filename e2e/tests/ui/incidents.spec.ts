import { createDatabase, type DecnetDatabase, defaultDatabaseUrl, type IncidentWrite } from '@decnet/db'
import { signInAdmin } from '../../fixtures/auth.ts'
import { incidentRecord, openIncidents } from '../../fixtures/incidents.ts'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot, uiLogin, watchConsole } from '../../fixtures/ui-helpers.ts'

const HOSTILE_REASON = '<img src=x onerror="window.__owned=1">login on ssh\u202eevil'
const LONG_IP = '2001:db8:85a3:1234:5678:8a2e:370:7334'

let sequence = 9000
/** A new incident, active in the last minute (ids distinct within the run). */
function incident(overrides: Partial<IncidentWrite> = {}): IncidentWrite {
  sequence++
  const now = new Date()
  return incidentRecord(sequence, {
    attackerIp: '203.0.113.50',
    firstSeen: new Date(now.getTime() - 60_000),
    lastSeen: now,
    updatedAt: now,
    ...overrides,
  })
}

test.describe.configure({ mode: 'serial' })

let db: DecnetDatabase | undefined
/** The stack's own database, written as the grouping worker writes it. */
async function save(dataDir: string, ...incidents: IncidentWrite[]): Promise<void> {
  db ??= createDatabase(defaultDatabaseUrl(dataDir))
  await openIncidents(db, ...incidents)
}
test.afterAll(async () => {
  await db?.close()
})

test('incidents: live list, filters, acknowledge and resolve with a note, hostile text inert, IPs on one line', async ({
  page,
  stack,
}) => {
  test.setTimeout(180_000)
  const seeded = incident({
    attackerIp: LONG_IP,
    severity: 'high',
    deckies: ['web-01', 'db-01'],
    services: ['ssh', 'mysql'],
    reasons: [HOSTILE_REASON],
  })
  await save(stack.dataDir, seeded)
  const { errors } = await adminSession(page, stack)
  await page.getByRole('navigation').getByRole('link', { name: 'Incidents' }).click()
  await expect(page).toHaveURL(/\/incidents$/)
  await expect(page.getByTestId('incidents-live-status')).toContainText('Live: connected')

  const row = page.locator(`[data-testid="incident-row"][data-id="${seeded.id}"]`)
  await expect(row.getByTestId('incident-severity')).toHaveText('high')
  await expect(row.getByTestId('incident-state')).toHaveText('open')
  await expect(row).toContainText('db-01')
  // A long address stays on one line (one line box), whatever the column width.
  const ipLines = await row
    .getByTestId('incident-link')
    .evaluate((link) => link.querySelector('.safe-text')?.getClientRects().length ?? 0)
  expect(ipLines).toBe(1)

  // A new incident reaches the open page through incidents.onNew (no reload).
  const live = incident({ attackerIp: '198.51.100.23', severity: 'critical' })
  await save(stack.dataDir, live)
  const liveRow = page.locator(`[data-testid="incident-row"][data-id="${live.id}"]`)
  await expect(liveRow).toBeVisible({ timeout: 30_000 })
  await expect(liveRow).toHaveAttribute('data-live', 'true')
  await expect(page.getByTestId('incidents-live-status')).toContainText(/\d+ new since opened/)
  await shot(page, 'incidents-live.png')

  // Filters: severity and source address narrow the list (other attacks of the run may be listed too).
  await page.getByLabel('Minimum severity').selectOption('critical')
  await page.getByLabel('Source address').fill('198.51.100.23')
  await page.getByRole('button', { name: 'Filter' }).click()
  await expect(page.getByTestId('incident-row')).toHaveCount(1)
  await expect(liveRow).toBeVisible()
  await page.getByLabel('Source address').fill(LONG_IP)
  await page.getByRole('button', { name: 'Filter' }).click()
  await expect(page.getByText('No incidents match these filters.')).toBeVisible()
  await page.getByLabel('Minimum severity').selectOption('')
  await page.getByRole('button', { name: 'Filter' }).click()
  await expect(page.getByTestId('incident-row')).toHaveCount(1)
  await expect(row).toBeVisible()

  // Acknowledge from the list, with a note, in the dialog.
  await row.getByRole('button', { name: `Acknowledge the incident of ${LONG_IP}` }).click()
  const dialog = page.getByRole('dialog', { name: `Acknowledge the incident of ${LONG_IP}` })
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('note-input').fill('checking the <b>jump host</b>')
  await shot(page, 'incidents-ack-dialog.png')
  await dialog.getByRole('button', { name: 'Acknowledge' }).click()
  await expect(dialog).toHaveCount(0)
  await expect(row.getByTestId('incident-state')).toHaveText('acknowledged')

  // The detail: deckies, services, reasons (hostile text shown as text), the review, then resolve.
  await row.getByTestId('incident-link').click()
  await expect(page).toHaveURL(new RegExp(`/incidents/${seeded.id}$`))
  await expect(page.getByTestId('incident-deckies')).toContainText('web-01')
  await expect(page.getByTestId('incident-deckies')).toContainText('db-01')
  await expect(page.getByTestId('incident-services')).toContainText('mysql')
  const reasons = page.getByTestId('incident-reasons')
  await expect(reasons).toContainText('<img src=x onerror="window.__owned=1">login on ssh')
  await expect(reasons.locator('img')).toHaveCount(0)
  await expect(reasons.locator('.ctrl', { hasText: '\\u202e' })).toHaveCount(1)
  await expect(page.getByTestId('incident-acknowledged')).toContainText('by admin')
  await expect(page.getByTestId('incident-note')).toHaveText('checking the <b>jump host</b>')
  await page.getByRole('button', { name: `Resolve the incident of ${LONG_IP}` }).click()
  const resolveDialog = page.getByRole('dialog')
  await expect(resolveDialog.getByTestId('note-input')).toHaveValue('checking the <b>jump host</b>')
  await resolveDialog.getByTestId('note-input').fill('jump host of the lab')
  await resolveDialog.getByRole('button', { name: 'Resolve' }).click()
  await expect(page.getByTestId('incident-state').first()).toHaveText('resolved')
  await expect(page.getByTestId('incident-resolved')).toContainText('by admin')
  await expect(page.getByTestId('incident-note')).toHaveText('jump host of the lab')
  await expect(page.getByRole('button', { name: /^Resolve the incident/ })).toHaveCount(0)
  await shot(page, 'incident-detail.png')

  expect(await page.evaluate(() => (window as unknown as { __owned?: number }).__owned)).toBeUndefined()
  expect(errors()).toEqual([])
})

test('ignore rules: admins add (a bad CIDR is explained) and remove them; viewers only read', async ({
  page,
  stack,
}) => {
  test.setTimeout(120_000)
  const { errors } = await adminSession(page, stack)
  await page.goto(`${stack.webUrl}/incidents`)
  await page.getByRole('link', { name: 'Ignore rules' }).click()
  await expect(page).toHaveURL(/\/incidents\/ignore-rules$/)

  await page.getByTestId('rule-value').fill('198.51.100.7/24')
  await page.getByRole('button', { name: 'Add rule' }).click()
  await expect(page.getByTestId('rule-problem')).toContainText('did you mean 198.51.100.0/24?')
  await page.getByTestId('rule-value').fill('198.51.100.0/24')
  await page.getByTestId('rule-note').fill('lab scanner')
  await page.getByRole('button', { name: 'Add rule' }).click()
  const rule = page.getByTestId('rule-row').filter({ hasText: '198.51.100.0/24' })
  await expect(rule).toContainText('lab scanner')
  await expect(rule).toContainText('admin')

  await page.getByTestId('rule-kind').selectOption('service')
  await page.getByTestId('rule-value').fill('telnet')
  await page.getByRole('button', { name: 'Add rule' }).click()
  await expect(page.getByTestId('rule-row').filter({ hasText: 'telnet' })).toBeVisible()
  await shot(page, 'ignore-rules.png')

  await rule.getByRole('button', { name: 'Remove rule cidr 198.51.100.0/24' }).click()
  await rule.getByRole('button', { name: 'Confirm removal' }).click()
  await expect(page.getByTestId('rule-row').filter({ hasText: '198.51.100.0/24' })).toHaveCount(0)
  await expect(page.getByTestId('rules-message')).toHaveText('removed ignore rule cidr 198.51.100.0/24')
  expect(errors()).toEqual([])

  // A viewer reads the rules and incidents, with no way to change them.
  const { client } = await signInAdmin(stack)
  await client.users.create.mutate({
    username: 'incident-viewer',
    password: 'quartz-lantern-owl-58',
    role: 'viewer',
  })
  await page.context().clearCookies()
  const viewerErrors = watchConsole(page)
  await uiLogin(page, stack, 'incident-viewer', 'quartz-lantern-owl-58', 'borrowed-violin-tide-73')
  await page.goto(`${stack.webUrl}/incidents/ignore-rules`)
  await expect(page.getByTestId('read-only-note')).toBeVisible()
  await expect(page.getByTestId('rule-row').filter({ hasText: 'telnet' })).toBeVisible()
  await expect(page.getByRole('button', { name: /^(Add rule|Remove)/ })).toHaveCount(0)
  await page.goto(`${stack.webUrl}/incidents`)
  await page.getByLabel('State').selectOption('all')
  await page.getByRole('button', { name: 'Filter' }).click()
  await expect(page.getByTestId('incident-row').first()).toBeVisible()
  await expect(page.getByRole('button', { name: /^(Acknowledge|Resolve)/ })).toHaveCount(0)
  expect(viewerErrors()).toEqual([])
})
