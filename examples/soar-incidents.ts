// A SOAR-style integration: list DECNET's open incidents, worst first, and acknowledge one with a note,
// through the typed client (`@decnet/api/client`) and an API token (`decnet tokens create soar --role admin`;
// a viewer token can list but not acknowledge).
//
//   DECNET_URL=https://decnet.example:4000 DECNET_TOKEN=dnt_… node --import tsx examples/soar-incidents.ts [--ack <id>]
//
// Without --ack it acknowledges the most severe open incident. It prints one JSON object.
import { createApiClient } from '@decnet/api/client'

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const

const url = process.env.DECNET_URL ?? 'http://127.0.0.1:4000'
const token = process.env.DECNET_TOKEN
if (!token) throw new Error('set DECNET_TOKEN to an API token (decnet tokens create <name> --role admin)')
const ackIndex = process.argv.indexOf('--ack')
const requestedId = ackIndex >= 0 ? process.argv[ackIndex + 1] : undefined

const decnet = createApiClient(url, token)

const open = await decnet.incidents.list.query({ states: ['open'], limit: 100 })
const worstFirst = [...open.rows].sort(
  (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
)
const target = requestedId ? worstFirst.find((incident) => incident.id === requestedId) : worstFirst[0]
const acknowledged = target
  ? await decnet.incidents.acknowledge.mutate({
      id: target.id,
      note: 'ticket opened by the SOAR integration',
    })
  : null

process.stdout.write(
  `${JSON.stringify({
    open: worstFirst.map(({ id, severity, attackerIp, decky }) => ({ id, severity, attackerIp, decky })),
    acknowledged: acknowledged && {
      id: acknowledged.id,
      state: acknowledged.state,
      by: acknowledged.acknowledgedBy,
    },
  })}\n`,
)
