// A topology INI as the acceptance describes it: an entry LAN, `office` behind `jump-01`, and
// `servers` behind `db-gw` (shared by the API's topology tests and the console's e2e spec).

const section = (name: string, subnet: string, extra = '') =>
  `[network.${name}]\nsubnet = ${subnet}\n${extra}`

/** The three networks on `10.<octet>.1-3.0/24`, a pivot into each inner one and a decky on each. */
export function threeNetworkIni(octet: number, extraDeckies = ''): string {
  return [
    section('lan', `10.${octet}.1.0/24`, 'entry = true\n'),
    section('office', `10.${octet}.2.0/24`),
    section('servers', `10.${octet}.3.0/24`),
    extraDeckies,
    '[jump-01]\nservices = ssh\nnetworks = lan, office\n',
    '[ws-01]\nservices = ssh\nnetworks = office\n',
    '[db-gw]\nservices = ssh\nnetworks = office, servers\n',
    '[db-01]\nservices = ssh\nnetworks = servers\n',
  ].join('')
}
