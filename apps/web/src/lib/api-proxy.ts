// Same-origin proxy to the API so the browser's httpOnly SameSite=Strict session cookie travels with
// every call (queries, mutations and SSE subscriptions, export downloads) and no CORS is needed. The
// API address is read at request time, so DECNET_API_PORT can change without rebuilding the console.
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'cookie',
  'last-event-id',
  'trpc-accept',
  'user-agent',
]
/**
 * The browser's address as apps/web/server.mjs saw it on the socket (it drops any copy a client
 * sent). It becomes the API's X-Forwarded-For, overwriting whatever the browser claimed; without
 * it (the console started some other way) no forwarding header is sent at all.
 */
const CLIENT_ADDRESS_HEADER = 'x-decnet-client-address'
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
])

function apiOrigin(): string {
  if (process.env.DECNET_API_URL) return process.env.DECNET_API_URL.replace(/\/$/, '')
  // An API serving TLS itself (DECNET_API_TLS) is reached over HTTPS; its certificate must name
  // 127.0.0.1 (a self-signed pair does) and be trusted by this process (NODE_EXTRA_CA_CERTS).
  const scheme = ['1', 'true', 'yes', 'on'].includes((process.env.DECNET_API_TLS ?? '').toLowerCase())
    ? 'https'
    : 'http'
  return `${scheme}://127.0.0.1:${process.env.DECNET_API_PORT || '4000'}`
}

export async function proxy(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const headers = new Headers()
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name)
    if (value) headers.set(name, value)
  }
  const clientAddress = request.headers.get(CLIENT_ADDRESS_HEADER)
  if (clientAddress) headers.set('x-forwarded-for', clientAddress)
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  let upstream: Response
  try {
    upstream = await fetch(`${apiOrigin()}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      // Required by Node's fetch to stream a request body.
      ...(hasBody ? { duplex: 'half' } : {}),
      signal: request.signal,
      redirect: 'manual',
      cache: 'no-store',
    } as RequestInit)
  } catch {
    return Response.json(
      { error: { message: 'The DECNET API is not reachable', code: -32603, data: { code: 'BAD_GATEWAY' } } },
      { status: 502 },
    )
  }
  const responseHeaders = new Headers()
  upstream.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) responseHeaders.append(name, value)
  })
  return new Response(upstream.body, { status: upstream.status, headers: responseHeaders })
}
