// The documented integration example (examples/soar-incidents.ts) type-checks, and runs against the
// real stack with an API token: it lists the open incidents and acknowledges the most severe one.
// Revoking the token ends its access on the very next run.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabase, defaultDatabaseUrl } from '@decnet/db'
import { signInAdmin } from '../../fixtures/auth.ts'
import { incidentRecord, openIncidents } from '../../fixtures/incidents.ts'
import { expect, test } from '../../fixtures/stack.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

function runExample(url: string, token: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'examples/soar-incidents.ts'], {
    cwd: ROOT,
    env: { ...process.env, DECNET_URL: url, DECNET_TOKEN: token },
    encoding: 'utf8',
    timeout: 60_000,
  })
}

test('examples/soar-incidents.ts type-checks, acknowledges the worst open incident with an API token, and stops at revocation', async ({
  stack,
}) => {
  test.setTimeout(180_000)
  const typecheck = spawnSync('pnpm', ['exec', 'tsc', '-p', 'examples/tsconfig.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  expect(typecheck.stdout + typecheck.stderr).toBe('')
  expect(typecheck.status).toBe(0)

  const now = new Date()
  const active = { firstSeen: new Date(now.getTime() - 60_000), lastSeen: now, updatedAt: now }
  const medium = incidentRecord(7101, { ...active, attackerIp: '203.0.113.71', severity: 'medium' })
  const critical = incidentRecord(7102, { ...active, attackerIp: '203.0.113.72', severity: 'critical' })
  const db = createDatabase(defaultDatabaseUrl(stack.dataDir))
  try {
    await openIncidents(db, medium, critical)
  } finally {
    await db.close()
  }

  const { client: admin } = await signInAdmin(stack)
  const { token, apiToken } = await admin.apiTokens.create.mutate({ name: 'soar', role: 'admin' })

  const run = runExample(stack.apiUrl, token)
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  const report = JSON.parse(run.stdout) as {
    open: { id: string; severity: string }[]
    acknowledged: { id: string; state: string; by: string } | null
  }
  expect(report.open.map((incident) => incident.id)).toEqual(expect.arrayContaining([medium.id, critical.id]))
  expect(report.open[0]?.severity).toBe('critical')
  expect(report.acknowledged).toEqual({ id: critical.id, state: 'acknowledged', by: 'token:soar' })
  const seen = await admin.incidents.get.query({ id: critical.id })
  expect(seen.state).toBe('acknowledged')
  expect(seen.note).toBe('ticket opened by the SOAR integration')
  expect((await admin.incidents.get.query({ id: medium.id })).state).toBe('open')

  await admin.apiTokens.revoke.mutate({ id: apiToken.id })
  const refused = runExample(stack.apiUrl, token)
  expect(refused.status).not.toBe(0)
  expect(refused.stderr).toMatch(/sign in first|UNAUTHORIZED/)
  expect((await admin.incidents.get.query({ id: medium.id })).state).toBe('open')
})
