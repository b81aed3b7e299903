import { connect, isIPv4, type Socket } from 'node:net'
import type { DeckyTopology, DeckyTopologyNeighbour } from '@decnet/core/schemas'
import type { AcceptConnection, RejectConnection, ServerChannel, TcpipRequestInfo } from 'ssh2'
import type { TcpSession } from '../framework/tcp.ts'
import { findNeighbour } from './shell/host-network.ts'

/**
 * A pivot decky's SSH forwards an intruder's direct-tcpip channels (`ssh -J`, `ssh -W host:port`,
 * `ssh -L`) to its topology neighbours, and only to them: a real TCP connection from the decoy to the
 * neighbour's address, piped both ways under caps. Every other destination (a network's gateway, which
 * is the DECNET host's bridge; any other address or name) is refused, and so is everything on a decky
 * that is not a pivot. Each request is one `tcpip_forward` event: the lateral-movement trail.
 */

/** Forwarded channels one SSH connection may hold open at once. */
export const MAX_FORWARDED_CHANNELS = 8
/** Bytes one forwarded channel may carry in each direction before it is closed. */
export const MAX_FORWARDED_CHANNEL_BYTES = 16 * 1024 * 1024
/** A forwarded channel that carries nothing for this long is closed. */
export const FORWARD_IDLE_MS = 5 * 60_000
/** How long the connection to a neighbour may take before the channel is refused. */
const FORWARD_CONNECT_MS = 10_000
/** A requested destination as it goes into an event (a DNS name is at most 253 characters). */
const MAX_DESTINATION_CHARS = 253

export type ForwardRefusal = 'not_a_pivot' | 'gateway' | 'not_a_neighbour' | 'channel_limit' | 'unreachable'

/** Where a requested destination leads on this decky: a neighbour, or why it is refused. */
export function forwardTarget(
  topology: DeckyTopology | undefined,
  destination: string,
): { neighbour: DeckyTopologyNeighbour } | { refused: ForwardRefusal } {
  if (!topology?.forwards) return { refused: 'not_a_pivot' }
  // The host's bridge addresses are never a way on, whatever else claims them.
  if (topology.links.some((link) => link.networkGateway === destination.trim())) return { refused: 'gateway' }
  const neighbour = findNeighbour(topology, destination)
  return neighbour ? { neighbour } : { refused: 'not_a_neighbour' }
}

/** The forwarding of one SSH connection: counts its open channels, emits one event per request. */
export class PivotForwarder {
  /** How to end each forwarded channel still open (connected or connecting). */
  private readonly open = new Set<() => void>()

  constructor(
    private readonly session: TcpSession,
    private readonly topology: DeckyTopology | undefined,
    private readonly user: () => string,
  ) {
    // The intruder's connection going away ends every channel it forwarded.
    session.socket.once('close', () => {
      for (const finish of [...this.open]) finish()
    })
  }

  request(accept: AcceptConnection<ServerChannel>, reject: RejectConnection, info: TcpipRequestInfo): void {
    const requested = String(info.destIP)
    const base = {
      username: this.user(),
      dst_host: requested.slice(0, MAX_DESTINATION_CHARS),
      dst_port: info.destPort,
      ...(requested.length > MAX_DESTINATION_CHARS ? { truncated: true } : {}),
    }
    const refuse = (reason: ForwardRefusal, neighbour?: DeckyTopologyNeighbour) => {
      reject()
      this.session.emit('tcpip_forward', {
        ...base,
        dst_ip: neighbour?.ip ?? (isIPv4(requested) ? requested : null),
        neighbour: neighbour?.name ?? null,
        network: neighbour?.network ?? null,
        allowed: false,
        reason,
      })
    }
    const target = forwardTarget(this.topology, requested)
    if ('refused' in target) {
      refuse(target.refused)
      return
    }
    const { neighbour } = target
    if (this.open.size >= MAX_FORWARDED_CHANNELS) {
      this.session.limitReached('forwarded_channels', MAX_FORWARDED_CHANNELS)
      refuse('channel_limit', neighbour)
      return
    }
    const socket = connect({ host: neighbour.ip, port: info.destPort })
    let channel: ServerChannel | undefined
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      this.open.delete(finish)
      socket.destroy()
      // An ended channel closes itself once its queued bytes went out (the neighbour's last reply).
      if (channel && !channel.writableEnded) channel.destroy()
    }
    this.open.add(finish)
    // Before the connect: the neighbour is unreachable (refused). After: an idle or broken pipe ends.
    const broken = () => {
      const connected = channel !== undefined || finished
      finish()
      if (!connected) refuse('unreachable', neighbour)
    }
    socket.setTimeout(FORWARD_CONNECT_MS)
    socket.on('timeout', broken)
    socket.on('error', broken)
    socket.once('connect', () => {
      if (finished) return
      socket.setTimeout(FORWARD_IDLE_MS)
      channel = accept()
      this.session.emit('tcpip_forward', {
        ...base,
        dst_ip: neighbour.ip,
        neighbour: neighbour.name,
        network: neighbour.network,
        allowed: true,
      })
      pipeCapped(channel, socket, finish)
    })
  }
}

/**
 * Copies both ways with backpressure, each direction capped at `MAX_FORWARDED_CHANNEL_BYTES`; an
 * end on one side half-closes the other (a `-W` client's EOF reaches the neighbour), and any close,
 * error or cap ends both through `finish`.
 */
function pipeCapped(channel: ServerChannel, socket: Socket, finish: () => void): void {
  const copy = (from: ServerChannel | Socket, to: ServerChannel | Socket) => {
    let carried = 0
    from.on('data', (chunk: Buffer) => {
      carried += chunk.length
      if (carried > MAX_FORWARDED_CHANNEL_BYTES) return finish()
      if (!to.write(chunk)) from.pause()
    })
    to.on('drain', () => from.resume())
    from.once('end', () => to.end())
  }
  copy(channel, socket)
  copy(socket, channel)
  channel.on('error', finish)
  channel.once('close', finish)
  socket.once('close', finish)
}
