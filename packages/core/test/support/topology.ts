// The topology the acceptance describes, shared by the topology tests.

/** The acceptance maze: the entry LAN, `office` behind jump-01, `servers` behind db-gw. */
export const MAZE_INI = `[network.dmz]
subnet = 10.77.1.0/24
entry = true

[network.office]
subnet = 10.77.2.0/24

[network.servers]
subnet = 10.77.3.0/24
gateway = 10.77.3.254

[web-01]
services = ssh, http

[jump-01]
services = ssh
networks = dmz, office

[ws-01]
services = ssh
networks = office

[db-gw]
services = ssh
networks = office, servers

[db-01]
services = ssh
networks = servers
`
