// Raw HTTP calls for the tests that are about the wire itself (headers, batches, cookies).

export type RawAnswer = { status: number; code: string; message: string; setCookie: string[]; body: unknown }

type TrpcError = { error?: { message?: string; data?: { code?: string } } }

/** One tRPC mutation over plain fetch, with extra request headers (X-Forwarded-For, Cookie…). */
export async function rawMutation(
  url: string,
  path: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const response = await fetch(`${url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  })
  const body = (await response.json()) as TrpcError
  return {
    status: response.status,
    code: body.error?.data?.code ?? 'OK',
    message: body.error?.message ?? '',
    setCookie: response.headers.getSetCookie(),
    body,
  }
}

export const rawLogin = (url: string, username: string, password: string, headers?: Record<string, string>) =>
  rawMutation(url, 'auth.login', { username, password }, headers)

/** As if the request came through a proxy that forwarded `ip` (believed only from a trusted peer). */
export const from = (ip: string) => ({ 'x-forwarded-for': ip })
