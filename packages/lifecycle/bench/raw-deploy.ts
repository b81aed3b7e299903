/**
 * What a hand-written dockerode script does to deploy one decky: the engine's own create options
 * (so both sides do the same container work), base created and started, then its decoy created and
 * started; no readiness wait, no bookkeeping. The baseline of the deploy benchmarks.
 */
import type Docker from 'dockerode'
import { baseContainer, type ContainerSettings, decoyContainer } from '../src/engine/docker/containers.ts'
import type { DeckySpec } from '../src/index.ts'

export function rawSettings(instance: string, networkName: string, imageId: string): ContainerSettings {
  return {
    instance,
    networkName,
    imageId,
    baseCommand: ['/opt/decnet/pause'],
    shaperCommand: [],
    logMaxSize: '10m',
    stopTimeoutSeconds: 2,
  }
}

export async function rawDeploy(docker: Docker, settings: ContainerSettings, spec: DeckySpec): Promise<void> {
  const base = baseContainer(spec, settings)
  const created = await docker.createContainer({ ...base.options, name: base.name })
  await created.start()
  const decoy = decoyContainer(spec, created.id, settings)
  await (await docker.createContainer({ ...decoy.options, name: decoy.name })).start()
}
