// What every alert channel implements: deliver one message or throw. The delivery worker owns
// retries, backoff, the circuit breaker, throttling and the SSRF guard; a transport only speaks its
// protocol, within the deadline the signal carries.
import type { AlertMessage } from '@decnet/core'

/** Why a send failed, kept as the channel's last error (no secrets in it). */
export class TransportError extends Error {
  constructor(
    message: string,
    /** False when retrying cannot help (e.g. the receiver rejected the message as malformed). */
    readonly retryable = true,
  ) {
    super(message)
    this.name = 'TransportError'
  }
}

export interface AlertTransport {
  /** Resolves once the receiver has accepted the message; rejects with a TransportError otherwise. */
  send(message: AlertMessage, signal: AbortSignal): Promise<void>
  /** Releases sockets or file handles (called when the channel is changed or removed, and at shutdown). */
  close(): Promise<void>
}
