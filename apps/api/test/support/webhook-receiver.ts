// A webhook receiver on loopback that does what the README asks of one: verifies the HMAC signature
// and its timestamp on the raw body, and de-duplicates on the Idempotency-Key header. Its mode says
// how it answers: accept, fail (503), or hang (never answers). Tests read what it accepted.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../src/alerts/transports/webhook-signature.ts'

export type ReceiverMode = 'accept' | 'fail' | 'hang'

export type WebhookReceiver = {
  url: string
  port: number
  mode: ReceiverMode
  /** Bodies accepted, first delivery of each idempotency key, in arrival order. */
  accepted: { key: string; body: unknown }[]
  /** Requests whose key was already accepted (answered 200, not counted again). */
  duplicates: number
  /** Requests refused for a bad or missing signature. */
  badSignatures: number
  /** Every request that arrived, whatever the answer. */
  requests: number
  /** Hangs up on the requests held by 'hang' (their senders see the connection reset). */
  releaseHanging(): void
  close(): Promise<void>
}

export async function startWebhookReceiver(
  key: string,
  { mode = 'accept' as ReceiverMode, port = 0 } = {},
): Promise<WebhookReceiver> {
  const seen = new Set<string>()
  const hanging = new Set<http.ServerResponse>()
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      receiver.requests++
      if (receiver.mode === 'hang') {
        hanging.add(response)
        return
      }
      if (receiver.mode === 'fail') {
        response.writeHead(503).end('down for maintenance')
        return
      }
      const body = Buffer.concat(chunks).toString('utf8')
      const header = request.headers['x-decnet-signature']
      const verified = verifySignature(Array.isArray(header) ? header[0] : header, body, key)
      if (!verified.ok) {
        receiver.badSignatures++
        response.writeHead(401).end(verified.reason)
        return
      }
      const idempotencyKey = String(request.headers['idempotency-key'] ?? '')
      if (seen.has(idempotencyKey)) receiver.duplicates++
      else {
        seen.add(idempotencyKey)
        receiver.accepted.push({ key: idempotencyKey, body: JSON.parse(body) as unknown })
      }
      response.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.address() as AddressInfo).port
  const receiver: WebhookReceiver = {
    url: `http://127.0.0.1:${bound}/hook`,
    port: bound,
    mode,
    accepted: [],
    duplicates: 0,
    badSignatures: 0,
    requests: 0,
    releaseHanging() {
      for (const response of hanging) response.socket?.destroy()
      hanging.clear()
    },
    async close() {
      for (const response of hanging) response.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return receiver
}
