// `GET /metrics`: the Prometheus exposition, behind metricsGate.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApiServices } from '../context.ts'
import { onlyGet, refuse } from '../http-refusal.ts'
import { metricsGate } from './metrics-access.ts'

export const METRICS_PATH = '/metrics'

export function metricsEndpoint(
  services: ApiServices,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const gate = metricsGate(services)
  return async (req, res) => {
    if (!onlyGet(req, res, 'metrics are scraped with GET')) return
    const verdict = await gate(req)
    if (verdict === 'unauthenticated') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="decnet-metrics"')
      return refuse(res, 401, 'scrape from an allowed address (DECNET_METRICS_ALLOW) or send a bearer token')
    }
    if (verdict === 'forbidden') return refuse(res, 403, 'metrics need an admin token')
    const { contentType, body } = await services.metrics.scrape()
    res.statusCode = 200
    res.setHeader('Content-Type', contentType)
    res.end(body)
  }
}
