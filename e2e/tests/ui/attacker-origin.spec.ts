// Attacker origin in the console: events from a public-looking address (8.8.8.0/24: test data
// written into the stack's database, no traffic to it) get country and ASN from the databases shipped
// with DECNET through the API's enrichment worker; a private source is labelled, not looked up.
import { createDatabase, type DecnetDatabase, defaultDatabaseUrl } from '@decnet/db'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot } from '../../fixtures/ui-helpers.ts'

const PUBLIC_IP = '8.8.8.77'
const PRIVATE_IP = '192.168.77.9'

let db: DecnetDatabase | undefined
test.afterAll(async () => {
  await db?.close()
})

const connect = (attackerIp: string) => ({
  timestamp: new Date(),
  decky: 'origin-01',
  service: 'ssh',
  eventType: 'connect',
  attackerIp,
  attackerPort: 50123,
  rawLine: 'connect',
  fields: {},
})

test('attackers table and attacker page show country/ASN for a public source and a label for a private one', async ({
  page,
  stack,
}) => {
  test.setTimeout(180_000)
  db ??= createDatabase(defaultDatabaseUrl(stack.dataDir))
  await db.logs.ingest([connect(PUBLIC_IP), connect(PRIVATE_IP)])
  const { errors } = await adminSession(page, stack)

  await page.goto(`${stack.webUrl}/attackers`)
  const publicRow = page.getByTestId('attacker-row').filter({ hasText: PUBLIC_IP })
  const privateRow = page.getByTestId('attacker-row').filter({ hasText: PRIVATE_IP })
  // The private address is labelled at once (no lookup needed).
  await expect(privateRow.getByTestId('attacker-label')).toHaveText('Private network', { timeout: 30_000 })
  // The worker's next pass (it polls; these rows bypassed the ingest pipeline that would wake it).
  await expect(async () => {
    await page.reload()
    await expect(publicRow.getByTestId('attacker-geo')).toContainText('AS15169', { timeout: 2_000 })
  }).toPass({ timeout: 120_000 })
  await expect(publicRow.getByTestId('attacker-geo')).toContainText('US')
  await expect(publicRow.getByTestId('attacker-geo')).toContainText(/google/i)
  await shot(page, 'attackers-origin.png')

  await publicRow.getByRole('link').first().click()
  const origin = page.getByTestId('attacker-enrichment')
  await expect(origin.getByTestId('attacker-country')).toContainText('United States')
  await expect(origin.getByTestId('attacker-asn')).toContainText('AS15169')
  await expect(origin.getByTestId('attacker-rdns')).toContainText('reverse DNS off')
  await expect(origin.getByRole('link', { name: 'IP Geolocation by DB-IP' })).toBeVisible()
  await shot(page, 'attacker-origin.png')

  await page.goto(`${stack.webUrl}/attackers`)
  await privateRow.getByRole('link').first().click()
  await expect(page.getByTestId('attacker-enrichment').getByTestId('attacker-label')).toHaveText(
    'Private network',
  )
  await expect(page.getByTestId('attacker-enrichment')).toContainText('not looked up, not resolved')
  expect(errors()).toEqual([])
})
