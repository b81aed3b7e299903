import type { TcpHandler, TcpSession } from '../framework/tcp.ts'
import { framed } from './stream.ts'

/** Modbus/TCP slave over a register map; reads are answered, writes applied and logged. */

export type ModbusDevice = {
  coils: Uint8Array
  registers: Uint16Array
  vendor: string
  productCode: string
  revision: string
  /** Free text of "report slave id" (function 17). */
  slaveId: string
}

const FUNCTION_NAMES: Record<number, string> = {
  1: 'read_coils',
  2: 'read_discrete_inputs',
  3: 'read_holding_registers',
  4: 'read_input_registers',
  5: 'write_single_coil',
  6: 'write_single_register',
  15: 'write_multiple_coils',
  16: 'write_multiple_registers',
  17: 'report_slave_id',
  43: 'read_device_identification',
}
const ILLEGAL_FUNCTION = 1
const ILLEGAL_ADDRESS = 2
const ILLEGAL_VALUE = 3

class ModbusException extends Error {
  constructor(readonly code: number) {
    super(`modbus exception ${code}`)
  }
}

function checkRange(start: number, quantity: number, max: number, size: number): void {
  if (quantity < 1 || quantity > max) throw new ModbusException(ILLEGAL_VALUE)
  if (start + quantity > size) throw new ModbusException(ILLEGAL_ADDRESS)
}

function readBits(bits: Uint8Array, start: number, quantity: number): Buffer {
  checkRange(start, quantity, 2000, bits.length)
  const out = Buffer.alloc(1 + Math.ceil(quantity / 8))
  out[0] = out.length - 1
  for (let i = 0; i < quantity; i++) {
    if (bits[start + i]) out[1 + (i >> 3)] = (out[1 + (i >> 3)] as number) | (1 << (i & 7))
  }
  return out
}

function readRegisters(registers: Uint16Array, start: number, quantity: number): Buffer {
  checkRange(start, quantity, 125, registers.length)
  const out = Buffer.alloc(1 + quantity * 2)
  out[0] = quantity * 2
  for (let i = 0; i < quantity; i++) out.writeUInt16BE(registers[start + i] as number, 1 + i * 2)
  return out
}

function deviceIdentification(device: ModbusDevice, pdu: Buffer): Buffer {
  if (pdu[1] !== 0x0e) throw new ModbusException(ILLEGAL_FUNCTION)
  const objects = [device.vendor, device.productCode, device.revision].map((text) =>
    Buffer.from(text, 'latin1'),
  )
  const parts = objects.map((object, id) => Buffer.concat([Buffer.from([id, object.length]), object]))
  return Buffer.concat([Buffer.from([0x0e, pdu[2] ?? 1, 0x01, 0x00, 0x00, objects.length]), ...parts])
}

/** Answers one PDU (function code + data); throws ModbusException for protocol-level errors. */
function execute(session: TcpSession, device: ModbusDevice, unit: number, pdu: Buffer): Buffer {
  const code = pdu[0] as number
  const name = FUNCTION_NAMES[code] ?? `function_${code}`
  const word = (offset: number) => {
    if (offset + 2 > pdu.length) throw new ModbusException(ILLEGAL_VALUE)
    return pdu.readUInt16BE(offset)
  }
  switch (code) {
    case 1:
    case 2:
    case 3:
    case 4: {
      const start = word(1)
      const quantity = word(3)
      session.emit('request', { unit_id: unit, function: name, address: start, quantity })
      return code <= 2
        ? readBits(device.coils, start, quantity)
        : readRegisters(device.registers, start, quantity)
    }
    case 5:
    case 6: {
      const address = word(1)
      const value = word(3)
      session.emit('command', { unit_id: unit, function: name, address, value })
      if (code === 5) {
        if (value !== 0xff00 && value !== 0) throw new ModbusException(ILLEGAL_VALUE)
        checkRange(address, 1, 1, device.coils.length)
        device.coils[address] = value ? 1 : 0
      } else {
        checkRange(address, 1, 1, device.registers.length)
        device.registers[address] = value
      }
      return pdu.subarray(1, 5)
    }
    case 15:
    case 16: {
      const start = word(1)
      const quantity = word(3)
      const data = pdu.subarray(6, 6 + (pdu[5] ?? 0))
      const values: number[] = []
      if (code === 16) {
        checkRange(start, quantity, 123, device.registers.length)
        if (data.length < quantity * 2) throw new ModbusException(ILLEGAL_VALUE)
        for (let i = 0; i < quantity; i++) values.push(data.readUInt16BE(i * 2))
        device.registers.set(values, start)
      } else {
        checkRange(start, quantity, 1968, device.coils.length)
        if (data.length < Math.ceil(quantity / 8)) throw new ModbusException(ILLEGAL_VALUE)
        for (let i = 0; i < quantity; i++) values.push(((data[i >> 3] as number) >> (i & 7)) & 1)
        device.coils.set(values, start)
      }
      session.emit('command', {
        unit_id: unit,
        function: name,
        address: start,
        quantity,
        values: values.slice(0, 64).join(','),
      })
      return pdu.subarray(1, 5)
    }
    case 17: {
      session.emit('request', { unit_id: unit, function: name })
      const text = Buffer.from(device.slaveId, 'latin1')
      return Buffer.concat([Buffer.from([text.length + 2, unit, 0xff]), text])
    }
    case 43:
      session.emit('request', { unit_id: unit, function: name })
      return deviceIdentification(device, pdu)
    default:
      session.emit('request', { unit_id: unit, function: name })
      throw new ModbusException(ILLEGAL_FUNCTION)
  }
}

export function modbusHandler(session: TcpSession, device: ModbusDevice): TcpHandler {
  return framed(
    session,
    (buffered) => {
      if (buffered.length < 8) return 0
      const declared = buffered.readUInt16BE(4)
      // Field devices neither check the protocol id nor trust an impossible length: they answer the
      // bytes that arrived (scanners identify Modbus by exactly that). Only sane frames are awaited.
      const sane = declared >= 2 && declared <= 254
      if (sane && buffered.length < 6 + declared) return 0
      const length = sane ? declared : Math.min(buffered.length - 6, 254)
      const unit = buffered[6] as number
      const pdu = buffered.subarray(7, 6 + length)
      const code = pdu[0] as number
      let body: Buffer
      try {
        body = Buffer.concat([Buffer.from([code]), execute(session, device, unit, pdu)])
      } catch (error) {
        if (!(error instanceof ModbusException)) throw error
        body = Buffer.from([code | 0x80, error.code])
      }
      const header = Buffer.alloc(7)
      buffered.copy(header, 0, 0, 4)
      header.writeUInt16BE(body.length + 1, 4)
      header[6] = unit
      session.write(Buffer.concat([header, body]))
      return sane ? 6 + length : buffered.length
    },
    { maxBuffer: 1024 },
  )
}
