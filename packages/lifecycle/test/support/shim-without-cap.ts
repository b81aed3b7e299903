// Run under `setpriv --bounding-set=-net_admin`: prints what HostShim.ensure() reports without CAP_NET_ADMIN.
import { HostShim } from '../../src/engine/docker/host-shim.ts'

new HostShim('lcnocap0', 'macvlan', 'lo', '198.18.0.250').ensure().then(
  () => console.log('ensured'),
  (error: Error) => console.log(error.message),
)
