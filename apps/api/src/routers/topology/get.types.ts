import { ZNoInput } from '../../no-input.ts'
import { ZDeployedTopologyOutput } from '../../topology/deployed-topology.ts'

export const ZGetTopologyInput = ZNoInput
export const ZGetTopologyOutput = ZDeployedTopologyOutput
