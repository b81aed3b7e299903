// `GET /metrics`: the Prometheus exposition, behind metricsGate.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApiServices } from '../context.ts'
import { metricsGate } from './metrics-access.ts'

export const METRICS_PATH = '/metrics'

export function metricsEndpoint(
  services: ApiServices,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const gate = metricsGate(services)
  return async (req, res) => {
    const refuse = (status: number, message: string) => {
      res.statusCode = status
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ error: message }))
    }
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET')
      return refuse(405, 'metrics are scraped with GET')
    }
    const verdict = await gate(req)
    if (verdict === 'unauthenticated') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="decnet-metrics"')
      return refuse(401, 'scrape from an allowed address (DECNET_METRICS_ALLOW) or send a bearer token')
    }
    if (verdict === 'forbidden') return refuse(403, 'metrics need an admin token')
    const { contentType, body } = await services.metrics.scrape()
    res.statusCode = 200
    res.setHeader('Content-Type', contentType)
    res.end(body)
  }
}
