import { ZHostEnrollRequest } from '@decnet/core'
import { ZHostOutput } from '../../hosts/host-output.ts'

export const ZEnrollHostInput = ZHostEnrollRequest
/** The enrolled host, with what its engine reported (version, CPUs, memory). */
export const ZEnrollHostOutput = ZHostOutput.extend({ engine: ZHostOutput.shape.engine.unwrap() })
