import type { Persona } from '@decnet/core/schemas'
import type { ShellHost } from './persona.ts'
import type { HostTimeline } from './timeline.ts'
import { neighbourHostsLines } from './topology-traces.ts'

/**
 * The identity files of the host (/etc/os-release, issue, hostname, hosts, machine-id …), written
 * the way the persona's distro writes them: their fields come from the persona, their layout from
 * the distro's own packaging.
 */

const UBUNTU_CODENAMES: Record<string, string> = {
  bionic: 'Bionic Beaver',
  focal: 'Focal Fossa',
  jammy: 'Jammy Jellyfish',
  noble: 'Noble Numbat',
}

/** `12`, `22.04.4 LTS`, `9.3 (Blue Onyx)`: the release part of PRETTY_NAME. */
function prettyVersion(persona: Persona): string {
  return persona.os.name.replace(/^\D*?(?=\d)/, '')
}

export function osRelease(persona: Persona): string {
  const { id, versionId, codename, name } = persona.os
  const major = versionId.split('.')[0] ?? versionId
  switch (id) {
    case 'debian':
      return lines(
        `PRETTY_NAME="${name}"`,
        'NAME="Debian GNU/Linux"',
        `VERSION_ID="${major}"`,
        `VERSION="${major}${codename ? ` (${codename})` : ''}"`,
        ...(codename ? [`VERSION_CODENAME=${codename}`] : []),
        'ID=debian',
        'HOME_URL="https://www.debian.org/"',
        'SUPPORT_URL="https://www.debian.org/support"',
        'BUG_REPORT_URL="https://bugs.debian.org/"',
      )
    case 'ubuntu': {
      const release = prettyVersion(persona)
      const full = codename ? `${release} (${UBUNTU_CODENAMES[codename] ?? codename})` : release
      const body = {
        NAME: '"Ubuntu"',
        VERSION: `"${full}"`,
        ID: 'ubuntu',
        ID_LIKE: 'debian',
        PRETTY_NAME: `"${name}"`,
        VERSION_ID: `"${versionId}"`,
        HOME_URL: '"https://www.ubuntu.com/"',
        SUPPORT_URL: '"https://help.ubuntu.com/"',
        BUG_REPORT_URL: '"https://bugs.launchpad.net/ubuntu/"',
        PRIVACY_POLICY_URL: '"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"',
        VERSION_CODENAME: codename ?? '',
        UBUNTU_CODENAME: codename ?? '',
      }
      // 22.04 and later lead with PRETTY_NAME; 20.04 and earlier with NAME.
      const order =
        Number(major) >= 22
          ? ([
              'PRETTY_NAME',
              'NAME',
              'VERSION_ID',
              'VERSION',
              'VERSION_CODENAME',
              'ID',
              'ID_LIKE',
              'HOME_URL',
              'SUPPORT_URL',
              'BUG_REPORT_URL',
              'PRIVACY_POLICY_URL',
              'UBUNTU_CODENAME',
            ] as const)
          : ([
              'NAME',
              'VERSION',
              'ID',
              'ID_LIKE',
              'PRETTY_NAME',
              'VERSION_ID',
              'HOME_URL',
              'SUPPORT_URL',
              'BUG_REPORT_URL',
              'PRIVACY_POLICY_URL',
              'VERSION_CODENAME',
              'UBUNTU_CODENAME',
            ] as const)
      return lines(...order.map((key) => `${key}=${body[key]}`))
    }
    case 'rocky':
    case 'almalinux':
    case 'rhel': {
      const vendor =
        id === 'rocky' ? 'Rocky Linux' : id === 'almalinux' ? 'AlmaLinux' : 'Red Hat Enterprise Linux'
      const release = prettyVersion(persona)
      return lines(
        `NAME="${vendor}"`,
        `VERSION="${release}"`,
        `ID="${id}"`,
        `ID_LIKE="${id === 'rhel' ? 'fedora' : 'rhel centos fedora'}"`,
        `VERSION_ID="${versionId}"`,
        `PLATFORM_ID="platform:el${major}"`,
        `PRETTY_NAME="${name}"`,
        'ANSI_COLOR="0;32"',
        'LOGO="fedora-logo-icon"',
        `CPE_NAME="cpe:/o:${id === 'rhel' ? 'redhat:enterprise_linux' : `${id}:${id}`}:${major}::baseos"`,
        `HOME_URL="${id === 'rocky' ? 'https://rockylinux.org/' : id === 'almalinux' ? 'https://almalinux.org/' : 'https://www.redhat.com/'}"`,
        `BUG_REPORT_URL="${id === 'rocky' ? 'https://bugs.rockylinux.org/' : id === 'almalinux' ? 'https://bugs.almalinux.org/' : 'https://issues.redhat.com/'}"`,
        `SUPPORT_END="${Number(major) >= 9 ? '2032-05-31' : '2029-05-31'}"`,
        ...(id === 'rocky'
          ? [`ROCKY_SUPPORT_PRODUCT="Rocky-Linux-${major}"`, `ROCKY_SUPPORT_PRODUCT_VERSION="${versionId}"`]
          : []),
        `REDHAT_SUPPORT_PRODUCT="${vendor}"`,
        `REDHAT_SUPPORT_PRODUCT_VERSION="${versionId}"`,
      )
    }
    case 'centos':
      return `${lines(
        'NAME="CentOS Linux"',
        `VERSION="${major} (Core)"`,
        'ID="centos"',
        'ID_LIKE="rhel fedora"',
        `VERSION_ID="${major}"`,
        `PRETTY_NAME="${name}"`,
        'ANSI_COLOR="0;31"',
        `CPE_NAME="cpe:/o:centos:centos:${major}"`,
        'HOME_URL="https://www.centos.org/"',
        'BUG_REPORT_URL="https://bugs.centos.org/"',
        '',
        `CENTOS_MANTISBT_PROJECT="CentOS-${major}"`,
        `CENTOS_MANTISBT_PROJECT_VERSION="${major}"`,
        'REDHAT_SUPPORT_PRODUCT="centos"',
        `REDHAT_SUPPORT_PRODUCT_VERSION="${major}"`,
      )}\n`
    case 'fedora':
      return lines(
        'NAME="Fedora Linux"',
        `VERSION="${prettyVersion(persona)}"`,
        'ID=fedora',
        `VERSION_ID=${versionId}`,
        'VERSION_CODENAME=""',
        `PLATFORM_ID="platform:f${major}"`,
        `PRETTY_NAME="${name}"`,
        'ANSI_COLOR="0;38;2;60;110;180"',
        'LOGO=fedora-logo-icon',
        `CPE_NAME="cpe:/o:fedoraproject:fedora:${major}"`,
        'HOME_URL="https://fedoraproject.org/"',
        'BUG_REPORT_URL="https://bugzilla.redhat.com/"',
      )
    case 'alpine':
      return lines(
        'NAME="Alpine Linux"',
        'ID=alpine',
        `VERSION_ID=${versionId}`,
        `PRETTY_NAME="${name}"`,
        'HOME_URL="https://alpinelinux.org/"',
        'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"',
      )
    case 'kali':
      return lines(
        `PRETTY_NAME="${name}"`,
        'NAME="Kali GNU/Linux"',
        `VERSION_ID="${versionId}"`,
        `VERSION="${versionId}"`,
        'VERSION_CODENAME=kali-rolling',
        'ID=kali',
        'ID_LIKE=debian',
        'HOME_URL="https://www.kali.org/"',
        'SUPPORT_URL="https://forums.kali.org/"',
        'BUG_REPORT_URL="https://bugs.kali.org/"',
        'ANSI_COLOR="1;31"',
      )
    case 'arch':
      return lines(
        'NAME="Arch Linux"',
        `PRETTY_NAME="${name}"`,
        'ID=arch',
        'BUILD_ID=rolling',
        'ANSI_COLOR="38;2;23;147;209"',
        'HOME_URL="https://archlinux.org/"',
        'DOCUMENTATION_URL="https://wiki.archlinux.org/"',
        'SUPPORT_URL="https://bbs.archlinux.org/"',
        'BUG_REPORT_URL="https://gitlab.archlinux.org/groups/archlinux/-/issues"',
        'LOGO=archlinux-logo',
      )
    default:
      return lines(
        `NAME="${name.replace(/\s+v?\d.*$/, '')}"`,
        `VERSION="${versionId}"`,
        `ID=${id}`,
        `VERSION_ID=${versionId}`,
        `PRETTY_NAME="${name}"`,
      )
  }
}

/** /etc/issue: the pre-login banner, escapes left for getty as the distro ships it. */
export function issue(persona: Persona): string {
  const { id, name, versionId } = persona.os
  switch (id) {
    case 'debian':
      return `Debian GNU/Linux ${versionId.split('.')[0]} \\n \\l\n\n`
    case 'ubuntu':
    case 'kali':
      return `${name} \\n \\l\n\n`
    case 'alpine':
      return `Welcome to Alpine Linux ${versionId.split('.').slice(0, 2).join('.')}\nKernel \\r on an \\m (\\l)\n\n`
    case 'arch':
      return 'Arch Linux \\r (\\l)\n\n'
    case 'fedora':
      return '\\S\nKernel \\r on \\m (\\l)\n\n'
    case 'rocky':
    case 'almalinux':
    case 'rhel':
    case 'centos':
      return '\\S\nKernel \\r on an \\m\n\n'
    default:
      return `${name}\n\n`
  }
}

/**
 * Distro-specific release files scripts look for (`/etc/debian_version`, `/etc/redhat-release` …).
 * Debian's point release is the latest one out when the running kernel was installed.
 */
export function releaseFiles(persona: Persona, timeline: HostTimeline): Record<string, string> {
  const { id, name, versionId, codename } = persona.os
  switch (id) {
    case 'debian':
      return { '/etc/debian_version': `${debianPointRelease(versionId, timeline.kernelInstalledMs)}\n` }
    case 'ubuntu':
      return {
        '/etc/debian_version': `${ubuntuDebianBase(versionId)}\n`,
        '/etc/lsb-release': lines(
          'DISTRIB_ID=Ubuntu',
          `DISTRIB_RELEASE=${versionId}`,
          `DISTRIB_CODENAME=${codename ?? ''}`,
          `DISTRIB_DESCRIPTION="${name}"`,
        ),
      }
    case 'kali':
      return { '/etc/debian_version': 'kali-rolling\n' }
    case 'rocky':
      return {
        '/etc/redhat-release': `${name}\n`,
        '/etc/rocky-release': `${name}\n`,
        '/etc/system-release': `${name}\n`,
      }
    case 'almalinux':
    case 'rhel':
    case 'fedora':
      return { '/etc/redhat-release': `${name}\n`, '/etc/system-release': `${name}\n` }
    case 'centos':
      return {
        '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n',
        '/etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n',
        '/etc/system-release': 'CentOS Linux release 7.9.2009 (Core)\n',
      }
    case 'alpine':
      return { '/etc/alpine-release': `${versionId}\n` }
    case 'arch':
      return { '/etc/arch-release': '' }
    default:
      return {}
  }
}

const DEBIAN_POINT_RELEASES: Record<string, [string, string][]> = {
  '11': [
    ['2021-08-14', '11.0'],
    ['2022-03-26', '11.3'],
    ['2022-09-10', '11.5'],
    ['2023-04-29', '11.7'],
    ['2023-10-07', '11.8'],
    ['2024-02-10', '11.9'],
    ['2024-06-29', '11.10'],
    ['2024-08-31', '11.11'],
  ],
  '12': [
    ['2023-06-10', '12.0'],
    ['2023-07-22', '12.1'],
    ['2023-10-07', '12.2'],
    ['2023-12-10', '12.4'],
    ['2024-02-10', '12.5'],
    ['2024-06-29', '12.6'],
    ['2024-08-31', '12.7'],
    ['2024-11-09', '12.8'],
    ['2025-01-11', '12.9'],
    ['2025-03-15', '12.10'],
    ['2025-05-17', '12.11'],
  ],
}

function debianPointRelease(versionId: string, atMs: number): string {
  const major = versionId.split('.')[0] ?? versionId
  let current = versionId.includes('.') ? versionId : `${major}.0`
  for (const [date, release] of DEBIAN_POINT_RELEASES[major] ?? []) {
    if (Date.parse(date) <= atMs) current = release
  }
  return current
}

function ubuntuDebianBase(versionId: string): string {
  if (versionId.startsWith('24.')) return 'trixie/sid'
  if (versionId.startsWith('22.')) return 'bookworm/sid'
  if (versionId.startsWith('20.')) return 'bullseye/sid'
  return 'buster/sid'
}

/** The fully qualified name when the persona is in a DNS domain. */
export function fqdnOf(host: ShellHost): string {
  const domain = host.persona.domain?.dns
  return domain ? `${host.hostname}.${domain}` : host.hostname
}

/** /etc/hosts as each distro's installer writes it, then the topology neighbours an admin added. */
export function etcHosts(host: ShellHost): string {
  const neighbours = neighbourHostsLines(host)
  const added = neighbours.length > 0 ? `\n${lines(...neighbours)}` : ''
  return `${installedEtcHosts(host)}${added}`
}

function installedEtcHosts(host: ShellHost): string {
  const fqdn = fqdnOf(host)
  const names = fqdn === host.hostname ? host.hostname : `${fqdn}\t${host.hostname}`
  switch (host.persona.os.id) {
    case 'debian':
    case 'ubuntu':
    case 'kali':
      return lines(
        '127.0.0.1\tlocalhost',
        `127.0.1.1\t${names}`,
        '',
        '# The following lines are desirable for IPv6 capable hosts',
        '::1     localhost ip6-localhost ip6-loopback',
        'ff02::1 ip6-allnodes',
        'ff02::2 ip6-allrouters',
      )
    case 'alpine':
      return lines(
        '127.0.0.1\tlocalhost localhost.localdomain',
        '::1\t\tlocalhost localhost.localdomain',
        `${host.ip}\t${names}`,
      )
    default:
      return lines(
        '127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4',
        '::1         localhost localhost.localdomain localhost6 localhost6.localdomain6',
        `${host.ip}\t${names}`,
      )
  }
}

/** /etc/resolv.conf: the persona's DNS domain as search domain; systemd-resolved's stub on Ubuntu. */
export function resolvConf(host: ShellHost): string {
  const domain = host.persona.domain?.dns
  const search = domain ? [`search ${domain}`] : []
  if (host.persona.os.id === 'ubuntu') {
    return lines(
      '# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).',
      '# Do not edit.',
      '#',
      "# This file might be symlinked as /etc/resolv.conf. If you're looking at",
      '# /etc/resolv.conf and seeing this text, you have followed the symlink.',
      '#',
      '# This is a dynamic resolv.conf file for connecting local clients to the',
      '# internal DNS stub resolver of systemd-resolved. This file lists all',
      '# configured search domains.',
      '#',
      '# Run "resolvectl status" to see details about the uplink DNS servers',
      '# currently in use.',
      '#',
      '# Third party programs should typically not access this file directly, but only',
      '# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a',
      '# different way, replace this symlink by a static file or a different symlink.',
      '#',
      '# See man:systemd-resolved.service(8) for details about the supported modes of',
      '# operation for /etc/resolv.conf.',
      '',
      'nameserver 127.0.0.53',
      'options edns0 trust-ad',
      ...search,
    )
  }
  // The network's resolver conventionally sits on the first address of the decky's subnet.
  return lines(...search, `nameserver ${host.ip.replace(/\.\d+$/, '.1')}`)
}

function lines(...entries: string[]): string {
  return `${entries.join('\n')}\n`
}
