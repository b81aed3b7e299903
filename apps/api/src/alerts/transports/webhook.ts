// The webhook transport: POSTs the alert as JSON (generic, Slack- or Teams-shaped) with an HMAC
// signature and the alert's idempotency key. It connects to the address the SSRF guard checked at
// this send (never resolving the name again), follows no redirect, and honours the worker's deadline.
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { AlertMessage } from '@decnet/core'
import { z } from 'zod'
import { resolveTarget, TargetRefused } from '../target-guard.ts'
import { type AlertTransport, TransportError } from '../transport.ts'
import type { TransportDeps } from './index.ts'
import { webhookBody, ZWebhookFormat } from './webhook-formats.ts'
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhook-signature.ts'

export const ZWebhookConfig = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'the webhook URL must be an http:// or https:// URL' })
      .max(2_048)
      .refine((url) => !new URL(url).username && !new URL(url).password, 'no credentials in the URL'),
    format: ZWebhookFormat.default('json'),
  })
  .strict()
export type WebhookConfig = z.infer<typeof ZWebhookConfig>

export const ZWebhookSecrets = z
  .object({ hmacKey: z.string().min(16, 'the HMAC key needs at least 16 characters').max(512) })
  .strict()
export type WebhookSecrets = z.infer<typeof ZWebhookSecrets>

const USER_AGENT = 'DECNET-alerts/0.1'
/** What of a refusing receiver's answer is kept in the channel's last error. */
const MAX_ERROR_BODY = 200

export function webhookTarget(config: WebhookConfig): { host: string; port: number } {
  const url = new URL(config.url)
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  return { host: url.hostname, port }
}

/** 408, 425, 429 and 5xx may pass; any other refusal will not change by sending the same again. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500
}

function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a receiver's answer is shown to admins
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, MAX_ERROR_BODY)
}

export function createWebhookTransport(
  config: WebhookConfig,
  secrets: WebhookSecrets,
  deps: TransportDeps,
): AlertTransport {
  const url = new URL(config.url)
  const { host, port } = webhookTarget(config)
  const client = url.protocol === 'https:' ? https : http
  return {
    async send(message: AlertMessage, signal: AbortSignal): Promise<void> {
      let checked: Awaited<ReturnType<typeof resolveTarget>>
      try {
        checked = await resolveTarget(host, port, deps.policy, deps.resolve)
      } catch (error) {
        // A refused target stays refused until an admin changes the channel; a name that does not
        // resolve now may resolve later.
        const refused = error instanceof TargetRefused
        throw new TransportError(error instanceof Error ? error.message : String(error), !refused)
      }
      const body = webhookBody(message, config.format)
      // The connection goes to the address just checked: no second lookup a rebinding name could win.
      const pinned: LookupFunction = (_hostname, options, callback) => {
        if (options.all) callback(null, [{ address: checked.address, family: checked.family }])
        else callback(null, checked.address, checked.family)
      }
      await new Promise<void>((resolve, reject) => {
        const request = client.request(
          url,
          {
            method: 'POST',
            lookup: pinned,
            signal,
            agent: false,
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
              'User-Agent': USER_AGENT,
              [SIGNATURE_HEADER]: signatureHeader(secrets.hmacKey, body),
              [IDEMPOTENCY_HEADER]: message.idempotencyKey,
            },
          },
          (response) => {
            const status = response.statusCode ?? 0
            let answer = ''
            response.setEncoding('utf8')
            response.on('data', (chunk: string) => {
              if (answer.length < MAX_ERROR_BODY) answer += chunk
            })
            response.on('error', (error) =>
              reject(new TransportError(`reading the answer: ${error.message}`)),
            )
            response.on('end', () => {
              if (status >= 200 && status < 300) return resolve()
              if (status >= 300 && status < 400) {
                return reject(new TransportError(`HTTP ${status}: redirects are not followed`, false))
              }
              const detail = printable(answer).trim()
              reject(
                new TransportError(`HTTP ${status}${detail ? `: ${detail}` : ''}`, retryableStatus(status)),
              )
            })
          },
        )
        request.on('error', (error: NodeJS.ErrnoException) => {
          const reason = signal.aborted ? 'no answer before the deadline' : (error.code ?? error.message)
          reject(new TransportError(`${host}:${port}: ${reason}`))
        })
        request.end(body)
      })
    },
    async close() {
      // No pooled sockets (agent: false): nothing to release.
    },
  }
}
