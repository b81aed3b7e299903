// The topology view over a three-network topology committed with the runner disabled (rows only: the
// engine's own e2e deploys topologies on Docker), with an attacker's hop through a pivot inserted as
// the pivot's SSH decoy reports it (`tcpip_forward`, allowed).
import { createDatabase, defaultDatabaseUrl } from '@decnet/db'
import { threeNetworkIni } from '../../../apps/api/test/support/topology-ini.ts'
import { blockingViolations, formatFindings } from '../../fixtures/axe.ts'
import { expect, startStack, test } from '../../fixtures/stack.ts'
import { adminSession, shot } from '../../fixtures/ui-helpers.ts'

const INI = threeNetworkIni(213)
const ATTACKER = '203.0.113.66'

test('topology page: networks behind their pivots, live states, an attacker hop drawn and on the attacker page', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const running = await startStack({
    DECNET_DISABLE_WORKERS: 'runner,collector,reconciler,mutator,incidents,enrichment',
  })
  const { stack } = running
  try {
    const { client, errors } = await adminSession(page, stack)
    await client.fleet.deploy.mutate({ ini: INI })
    const db = createDatabase(defaultDatabaseUrl(stack.dataDir))
    try {
      await db.logs.ingest([
        {
          timestamp: new Date(),
          decky: 'jump-01',
          service: 'ssh',
          eventType: 'tcpip_forward',
          attackerIp: ATTACKER,
          attackerPort: 50_123,
          rawLine: 'direct-tcpip to ws-01',
          fields: { dst_ip: '10.213.2.20', dst_port: 22, neighbour: 'ws-01', allowed: true },
        },
      ])
      await page.getByRole('navigation').getByRole('link', { name: 'Topology' }).click()
      await expect(page).toHaveURL(/\/topology$/)
      await expect(page.getByTestId('topology-network-office')).toHaveAttribute('data-parent', 'lan')
      await expect(page.getByTestId('topology-network-servers')).toHaveAttribute('data-parent', 'office')
      await expect(page.getByTestId('topology-network-servers')).toContainText('via db-gw')
      const hop = page.getByTestId('topology-hop')
      await expect(hop).toHaveCount(1)
      await expect(hop).toHaveAttribute('data-from', 'jump-01')
      await expect(hop).toHaveAttribute('data-to', 'ws-01')
      await expect(page.getByTestId('topology-node-ws-01')).toHaveAttribute('data-attacked', 'true')
      await expect(page.getByTestId('topology-node-db-01')).not.toHaveAttribute('data-attacked', 'true')
      await expect(page.getByTestId('topology-hop-row')).toContainText(ATTACKER)

      // A decky's state changes and the drawing follows (no reload).
      await expect(page.getByTestId('topology-node-db-01')).toHaveAttribute('data-state', 'pending')
      await db.fleet.setState('db-01', 'failed')
      await expect(page.getByTestId('topology-node-db-01')).toHaveAttribute('data-state', 'failed', {
        timeout: 15_000,
      })
    } finally {
      await db.close()
    }
    expect(formatFindings('/topology', await blockingViolations(page))).toBe('')
    await shot(page, 'topology.png')

    await page.getByTestId('topology-node-ws-01').click()
    await expect(page).toHaveURL(/\/fleet\/ws-01$/)

    const { rows } = await client.attackers.list.query({ sort: 'recent' })
    const attacker = rows.find((row) => row.ip === ATTACKER)
    await page.goto(`${stack.webUrl}/attackers/${attacker?.id}`)
    await expect(page.getByTestId('attacker-path-steps')).toHaveText(`${ATTACKER}jump-01ws-01`)
    await expect(page.getByTestId('attacker-hop')).toHaveCount(1)
    expect(errors()).toEqual([])
  } finally {
    await running.stop()
  }
})
