// The plain-HTTP endpoints beside tRPC (downloads, /metrics) refuse a request the same way: a status
// and a JSON `{ error }` the console and scrapers can show.
import type { IncomingMessage, ServerResponse } from 'node:http'

export function refuse(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json')
  res.end(JSON.stringify({ error: message }))
}

/** Whether `req` is a GET; anything else is refused with 405 (and `Allow: GET`), saying `why`. */
export function onlyGet(req: IncomingMessage, res: ServerResponse, why: string): boolean {
  if (req.method === 'GET') return true
  res.setHeader('Allow', 'GET')
  refuse(res, 405, why)
  return false
}
