// What each Linux distro really ships: os-release, kernels (uname -r / -v) and, per product, the
// version and the exact string the product announces (packaging suffix included). Values are the
// distro's own packages as of late 2024 (stable updates included); products a distro does not
// package (Docker, Kubernetes, Elasticsearch, MongoDB) come from their vendors' repositories.
import type { DistroSlug } from '../catalog/distros.ts'

export type PackagedProduct = { version: string; banner: string; attrs?: Record<string, string> }

/** Product ids a Linux persona may pick (emulators switch on these). */
export type LinuxProductId =
  | 'openssh'
  | 'linux-telnetd'
  | 'apache'
  | 'nginx'
  | 'lighttpd'
  | 'vsftpd'
  | 'proftpd'
  | 'pure-ftpd'
  | 'samba'
  | 'openldap'
  | 'bind'
  | 'dnsmasq'
  | 'postfix'
  | 'exim'
  | 'sendmail'
  | 'dovecot'
  | 'mariadb'
  | 'mysql'
  | 'postgresql'
  | 'redis'
  | 'net-snmp'
  | 'mosquitto'
  | 'asterisk'
  | 'tftpd-hpa'
  | 'libvncserver'

export type Kernel = { release: string; version: string }

export interface LinuxDistroProfile {
  distro: DistroSlug
  vendor: string
  /** os-release PRETTY_NAME. */
  name: string
  id: string
  versionId: string
  codename: string | null
  /** Recent kernels of the release, newest first: machines are patched at different times. */
  kernels: readonly Kernel[]
  /** MTAs the distro installs by default or commonly, first = most common. */
  mtas: readonly ('postfix' | 'exim' | 'sendmail')[]
  /** SQL servers the distro ships as `mysql`-compatible, first = default. */
  sql: readonly ('mariadb' | 'mysql')[]
  /** Web servers commonly found on it. */
  web: readonly ('apache' | 'nginx' | 'lighttpd')[]
  ftp: readonly ('vsftpd' | 'proftpd' | 'pure-ftpd')[]
  packages: Readonly<Partial<Record<LinuxProductId, PackagedProduct>>>
  /** The compiler string PostgreSQL and Redis report (`compiled by …`). */
  gcc: string
}

const pkg = (version: string, banner: string, attrs?: Record<string, string>): PackagedProduct =>
  attrs ? { version, banner, attrs } : { version, banner }

export const LINUX_DISTRO_PROFILES: Readonly<Record<DistroSlug, LinuxDistroProfile>> = {
  debian: {
    distro: 'debian',
    vendor: 'Debian',
    name: 'Debian GNU/Linux 12 (bookworm)',
    id: 'debian',
    versionId: '12',
    codename: 'bookworm',
    kernels: [
      { release: '6.1.0-28-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)' },
      { release: '6.1.0-27-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)' },
      { release: '6.1.0-26-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30)' },
    ],
    mtas: ['exim', 'postfix'],
    sql: ['mariadb'],
    web: ['apache', 'nginx', 'apache', 'lighttpd'],
    ftp: ['vsftpd', 'proftpd', 'pure-ftpd'],
    gcc: 'gcc (Debian 12.2.0-14) 12.2.0',
    packages: {
      openssh: pkg('9.2p1', 'OpenSSH_9.2p1 Debian-2+deb12u3'),
      'linux-telnetd': pkg('2.4', 'Debian GNU/Linux 12'),
      apache: pkg('2.4.62', 'Apache/2.4.62 (Debian)'),
      nginx: pkg('1.22.1', 'nginx/1.22.1'),
      lighttpd: pkg('1.4.69', 'lighttpd/1.4.69'),
      vsftpd: pkg('3.0.3', '(vsFTPd 3.0.3)'),
      proftpd: pkg('1.3.8', 'ProFTPD Server (Debian)'),
      'pure-ftpd': pkg('1.0.50', 'Pure-FTPd'),
      samba: pkg('4.17.12', '4.17.12-Debian'),
      openldap: pkg('2.5.13', '2.5.13+dfsg-5'),
      bind: pkg('9.18.28', '9.18.28-1~deb12u2-Debian'),
      dnsmasq: pkg('2.89', 'dnsmasq-2.89'),
      postfix: pkg('3.7.11', 'ESMTP Postfix (Debian/GNU)'),
      exim: pkg('4.96', 'ESMTP Exim 4.96'),
      sendmail: pkg('8.17.1.9', 'ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2'),
      dovecot: pkg('2.3.19.1', 'Dovecot (Debian) ready.'),
      mariadb: pkg('10.11.6', '10.11.6-MariaDB-0+deb12u1'),
      postgresql: pkg('15.10', '15.10 (Debian 15.10-0+deb12u1)'),
      redis: pkg('7.0.15', '7.0.15'),
      'net-snmp': pkg('5.9.3', '5.9.3'),
      mosquitto: pkg('2.0.11', 'mosquitto version 2.0.11'),
      asterisk: pkg('20.11.0', 'Asterisk PBX 20.11.0'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.14', 'RFB 003.008'),
    },
  },
  debian11: {
    distro: 'debian11',
    vendor: 'Debian',
    name: 'Debian GNU/Linux 11 (bullseye)',
    id: 'debian',
    versionId: '11',
    codename: 'bullseye',
    kernels: [
      { release: '5.10.0-33-amd64', version: '#1 SMP Debian 5.10.226-1 (2024-10-03)' },
      { release: '5.10.0-32-amd64', version: '#1 SMP Debian 5.10.223-1 (2024-08-10)' },
    ],
    mtas: ['exim', 'postfix'],
    sql: ['mariadb'],
    web: ['apache', 'nginx', 'apache', 'lighttpd'],
    ftp: ['vsftpd', 'proftpd', 'pure-ftpd'],
    gcc: 'gcc (Debian 10.2.1-6) 10.2.1 20210110',
    packages: {
      openssh: pkg('8.4p1', 'OpenSSH_8.4p1 Debian-5+deb11u3'),
      'linux-telnetd': pkg('2.0', 'Debian GNU/Linux 11'),
      apache: pkg('2.4.62', 'Apache/2.4.62 (Debian)'),
      nginx: pkg('1.18.0', 'nginx/1.18.0'),
      lighttpd: pkg('1.4.59', 'lighttpd/1.4.59'),
      vsftpd: pkg('3.0.3', '(vsFTPd 3.0.3)'),
      proftpd: pkg('1.3.7a', 'ProFTPD Server (Debian)'),
      'pure-ftpd': pkg('1.0.49', 'Pure-FTPd'),
      samba: pkg('4.13.13', '4.13.13-Debian'),
      openldap: pkg('2.4.57', '2.4.57+dfsg-3+deb11u1'),
      bind: pkg('9.16.50', '9.16.50-1~deb11u2-Debian'),
      dnsmasq: pkg('2.85', 'dnsmasq-2.85'),
      postfix: pkg('3.5.25', 'ESMTP Postfix (Debian/GNU)'),
      exim: pkg('4.94.2', 'ESMTP Exim 4.94.2'),
      sendmail: pkg('8.15.2', 'ESMTP Sendmail 8.15.2/8.15.2/Debian-22'),
      dovecot: pkg('2.3.13', 'Dovecot (Debian) ready.'),
      mariadb: pkg('10.5.26', '10.5.26-MariaDB-0+deb11u2'),
      postgresql: pkg('13.16', '13.16 (Debian 13.16-0+deb11u1)'),
      redis: pkg('6.0.16', '6.0.16'),
      'net-snmp': pkg('5.9', '5.9'),
      mosquitto: pkg('2.0.11', 'mosquitto version 2.0.11'),
      asterisk: pkg('16.28.0', 'Asterisk PBX 16.28.0~dfsg-0+deb11u4'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.13', 'RFB 003.008'),
    },
  },
  ubuntu22: {
    distro: 'ubuntu22',
    vendor: 'Canonical',
    name: 'Ubuntu 22.04.5 LTS',
    id: 'ubuntu',
    versionId: '22.04',
    codename: 'jammy',
    kernels: [
      { release: '5.15.0-126-generic', version: '#136-Ubuntu SMP Wed Nov 6 10:38:22 UTC 2024' },
      { release: '5.15.0-125-generic', version: '#135-Ubuntu SMP Fri Sep 27 13:53:58 UTC 2024' },
      { release: '5.15.0-122-generic', version: '#132-Ubuntu SMP Thu Aug 29 13:45:52 UTC 2024' },
    ],
    mtas: ['postfix', 'exim'],
    sql: ['mysql', 'mariadb'],
    web: ['apache', 'nginx'],
    ftp: ['vsftpd', 'proftpd', 'pure-ftpd'],
    gcc: 'gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0',
    packages: {
      openssh: pkg('8.9p1', 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.10'),
      'linux-telnetd': pkg('2.2', 'Ubuntu 22.04.5 LTS'),
      apache: pkg('2.4.52', 'Apache/2.4.52 (Ubuntu)'),
      nginx: pkg('1.18.0', 'nginx/1.18.0 (Ubuntu)'),
      lighttpd: pkg('1.4.63', 'lighttpd/1.4.63'),
      vsftpd: pkg('3.0.5', '(vsFTPd 3.0.5)'),
      proftpd: pkg('1.3.7c', 'ProFTPD Server (Ubuntu)'),
      'pure-ftpd': pkg('1.0.50', 'Pure-FTPd'),
      samba: pkg('4.15.13', '4.15.13-Ubuntu'),
      openldap: pkg('2.5.18', '2.5.18+dfsg-0ubuntu0.22.04.2'),
      bind: pkg('9.18.28', '9.18.28-0ubuntu0.22.04.1-Ubuntu'),
      dnsmasq: pkg('2.90', 'dnsmasq-2.90'),
      postfix: pkg('3.6.4', 'ESMTP Postfix (Ubuntu)'),
      exim: pkg('4.95', 'ESMTP Exim 4.95 Ubuntu'),
      sendmail: pkg('8.15.2', 'ESMTP Sendmail 8.15.2/8.15.2/Debian-22ubuntu3'),
      dovecot: pkg('2.3.16', 'Dovecot (Ubuntu) ready.'),
      mariadb: pkg('10.6.18', '10.6.18-MariaDB-0ubuntu0.22.04.1'),
      mysql: pkg('8.0.40', '8.0.40-0ubuntu0.22.04.1'),
      postgresql: pkg('14.15', '14.15 (Ubuntu 14.15-0ubuntu0.22.04.1)'),
      redis: pkg('6.0.16', '6.0.16'),
      'net-snmp': pkg('5.9.1', '5.9.1'),
      mosquitto: pkg('2.0.11', 'mosquitto version 2.0.11'),
      asterisk: pkg('18.10.0', 'Asterisk PBX 18.10.0~dfsg+~cs6.10.40431411-2'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.13', 'RFB 003.008'),
    },
  },
  ubuntu20: {
    distro: 'ubuntu20',
    vendor: 'Canonical',
    name: 'Ubuntu 20.04.6 LTS',
    id: 'ubuntu',
    versionId: '20.04',
    codename: 'focal',
    kernels: [
      { release: '5.4.0-202-generic', version: '#222-Ubuntu SMP Fri Nov 8 14:45:04 UTC 2024' },
      { release: '5.4.0-200-generic', version: '#220-Ubuntu SMP Fri Sep 27 13:19:16 UTC 2024' },
      { release: '5.4.0-196-generic', version: '#216-Ubuntu SMP Thu Aug 29 13:26:53 UTC 2024' },
    ],
    mtas: ['postfix', 'exim'],
    sql: ['mysql', 'mariadb'],
    web: ['apache', 'nginx'],
    ftp: ['vsftpd', 'proftpd'],
    gcc: 'gcc (Ubuntu 9.4.0-1ubuntu1~20.04.2) 9.4.0',
    packages: {
      openssh: pkg('8.2p1', 'OpenSSH_8.2p1 Ubuntu-4ubuntu0.11'),
      'linux-telnetd': pkg('1.9.4', 'Ubuntu 20.04.6 LTS'),
      apache: pkg('2.4.41', 'Apache/2.4.41 (Ubuntu)'),
      nginx: pkg('1.18.0', 'nginx/1.18.0 (Ubuntu)'),
      lighttpd: pkg('1.4.55', 'lighttpd/1.4.55'),
      vsftpd: pkg('3.0.3', '(vsFTPd 3.0.3)'),
      proftpd: pkg('1.3.6c', 'ProFTPD Server (Ubuntu)'),
      'pure-ftpd': pkg('1.0.49', 'Pure-FTPd'),
      samba: pkg('4.15.13', '4.15.13-Ubuntu'),
      openldap: pkg('2.4.49', '2.4.49+dfsg-2ubuntu1.10'),
      bind: pkg('9.18.28', '9.18.28-0ubuntu0.20.04.1-Ubuntu'),
      dnsmasq: pkg('2.90', 'dnsmasq-2.90'),
      postfix: pkg('3.4.13', 'ESMTP Postfix (Ubuntu)'),
      exim: pkg('4.93', 'ESMTP Exim 4.93 Ubuntu'),
      sendmail: pkg('8.15.2', 'ESMTP Sendmail 8.15.2/8.15.2/Debian-18'),
      dovecot: pkg('2.3.7.2', 'Dovecot (Ubuntu) ready.'),
      mariadb: pkg('10.3.39', '10.3.39-MariaDB-0ubuntu0.20.04.2'),
      mysql: pkg('8.0.40', '8.0.40-0ubuntu0.20.04.1'),
      postgresql: pkg('12.22', '12.22 (Ubuntu 12.22-0ubuntu0.20.04.1)'),
      redis: pkg('5.0.7', '5.0.7'),
      'net-snmp': pkg('5.8', '5.8'),
      mosquitto: pkg('1.6.9', 'mosquitto version 1.6.9'),
      asterisk: pkg('16.2.1', 'Asterisk PBX 16.2.1~dfsg-2ubuntu1'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.12', 'RFB 003.008'),
    },
  },
  rocky9: {
    distro: 'rocky9',
    vendor: 'Rocky Enterprise Software Foundation',
    name: 'Rocky Linux 9.5 (Blue Onyx)',
    id: 'rocky',
    versionId: '9.5',
    codename: null,
    kernels: [
      {
        release: '5.14.0-503.14.1.el9_5.x86_64',
        version: '#1 SMP PREEMPT_DYNAMIC Fri Nov 15 12:04:32 UTC 2024',
      },
      {
        release: '5.14.0-427.42.1.el9_4.x86_64',
        version: '#1 SMP PREEMPT_DYNAMIC Fri Oct 18 14:35:40 UTC 2024',
      },
    ],
    mtas: ['postfix'],
    sql: ['mariadb', 'mysql'],
    web: ['apache', 'nginx'],
    ftp: ['vsftpd'],
    gcc: 'gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-2)',
    packages: {
      openssh: pkg('8.7p1', 'OpenSSH_8.7'),
      'linux-telnetd': pkg('0.17', 'Kernel \\r on an \\m'),
      apache: pkg('2.4.62', 'Apache/2.4.62 (Rocky Linux)'),
      nginx: pkg('1.20.1', 'nginx/1.20.1'),
      vsftpd: pkg('3.0.5', '(vsFTPd 3.0.5)'),
      samba: pkg('4.20.2', '4.20.2'),
      openldap: pkg('2.6.6', '2.6.6'),
      bind: pkg('9.16.23', '9.16.23-RH'),
      dnsmasq: pkg('2.85', 'dnsmasq-2.85'),
      postfix: pkg('3.5.25', 'ESMTP Postfix'),
      sendmail: pkg('8.16.1', 'ESMTP Sendmail 8.16.1/8.16.1'),
      dovecot: pkg('2.3.16', 'Dovecot ready.'),
      mariadb: pkg('10.5.22', '10.5.22-MariaDB'),
      mysql: pkg('8.0.36', '8.0.36'),
      postgresql: pkg('13.16', '13.16'),
      redis: pkg('6.2.7', '6.2.7'),
      'net-snmp': pkg('5.9.1', '5.9.1'),
      mosquitto: pkg('2.0.18', 'mosquitto version 2.0.18'),
      asterisk: pkg('18.24.3', 'Asterisk PBX 18.24.3'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.13', 'RFB 003.008'),
    },
  },
  centos7: {
    distro: 'centos7',
    vendor: 'CentOS',
    name: 'CentOS Linux 7 (Core)',
    id: 'centos',
    versionId: '7',
    codename: null,
    kernels: [
      { release: '3.10.0-1160.119.1.el7.x86_64', version: '#1 SMP Tue Jun 4 14:43:51 UTC 2024' },
      { release: '3.10.0-1160.118.1.el7.x86_64', version: '#1 SMP Wed Apr 24 16:01:50 UTC 2024' },
      { release: '3.10.0-1160.108.1.el7.x86_64', version: '#1 SMP Thu Jan 25 16:17:31 UTC 2024' },
    ],
    mtas: ['postfix', 'sendmail'],
    sql: ['mariadb'],
    web: ['apache', 'nginx'],
    ftp: ['vsftpd', 'proftpd'],
    gcc: 'gcc (GCC) 4.8.5 20150623 (Red Hat 4.8.5-44)',
    packages: {
      openssh: pkg('7.4p1', 'OpenSSH_7.4'),
      'linux-telnetd': pkg('0.17', 'Kernel \\r on an \\m'),
      apache: pkg('2.4.6', 'Apache/2.4.6 (CentOS)'),
      nginx: pkg('1.20.1', 'nginx/1.20.1'),
      vsftpd: pkg('3.0.2', '(vsFTPd 3.0.2)'),
      proftpd: pkg('1.3.5e', 'ProFTPD 1.3.5e Server (ProFTPD Default Installation)'),
      samba: pkg('4.10.16', '4.10.16'),
      openldap: pkg('2.4.44', '2.4.44'),
      bind: pkg('9.11.4', '9.11.4-P2-RedHat-9.11.4-26.P2.el7_9.16'),
      dnsmasq: pkg('2.76', 'dnsmasq-2.76'),
      postfix: pkg('2.10.1', 'ESMTP Postfix'),
      sendmail: pkg('8.14.7', 'ESMTP Sendmail 8.14.7/8.14.7'),
      dovecot: pkg('2.2.36', 'Dovecot ready.'),
      mariadb: pkg('5.5.68', '5.5.68-MariaDB'),
      postgresql: pkg('9.2.24', '9.2.24'),
      redis: pkg('3.2.12', '3.2.12'),
      'net-snmp': pkg('5.7.2', '5.7.2'),
      mosquitto: pkg('1.6.10', 'mosquitto version 1.6.10'),
      asterisk: pkg('16.30.0', 'Asterisk PBX 16.30.0'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.9', 'RFB 003.008'),
    },
  },
  alpine: {
    distro: 'alpine',
    vendor: 'Alpine Linux',
    name: 'Alpine Linux v3.19',
    id: 'alpine',
    versionId: '3.19.4',
    codename: null,
    kernels: [
      { release: '6.6.58-0-lts', version: '#1-Alpine SMP PREEMPT_DYNAMIC 2024-10-23 07:40:44' },
      { release: '6.6.32-0-lts', version: '#1-Alpine SMP PREEMPT_DYNAMIC 2024-05-30 12:37:27' },
    ],
    mtas: ['postfix'],
    sql: ['mariadb'],
    web: ['nginx', 'lighttpd', 'apache'],
    ftp: ['vsftpd', 'pure-ftpd'],
    gcc: 'gcc (Alpine 13.2.1_git20231014) 13.2.1 20231014',
    packages: {
      openssh: pkg('9.6p1', 'OpenSSH_9.6'),
      'linux-telnetd': pkg('1.36.1', 'BusyBox v1.36.1'),
      apache: pkg('2.4.62', 'Apache/2.4.62 (Unix)'),
      nginx: pkg('1.24.0', 'nginx/1.24.0'),
      lighttpd: pkg('1.4.76', 'lighttpd/1.4.76'),
      vsftpd: pkg('3.0.5', '(vsFTPd 3.0.5)'),
      'pure-ftpd': pkg('1.0.51', 'Pure-FTPd'),
      samba: pkg('4.18.9', '4.18.9'),
      openldap: pkg('2.6.6', '2.6.6'),
      bind: pkg('9.18.27', '9.18.27'),
      dnsmasq: pkg('2.90', 'dnsmasq-2.90'),
      postfix: pkg('3.8.6', 'ESMTP Postfix'),
      exim: pkg('4.97.1', 'ESMTP Exim 4.97.1'),
      dovecot: pkg('2.3.21', 'Dovecot ready.'),
      mariadb: pkg('10.11.8', '10.11.8-MariaDB'),
      postgresql: pkg('16.6', '16.6'),
      redis: pkg('7.2.4', '7.2.4'),
      'net-snmp': pkg('5.9.4', '5.9.4'),
      mosquitto: pkg('2.0.18', 'mosquitto version 2.0.18'),
      asterisk: pkg('20.5.2', 'Asterisk PBX 20.5.2'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.14', 'RFB 003.008'),
    },
  },
  fedora: {
    distro: 'fedora',
    vendor: 'Fedora Project',
    name: 'Fedora Linux 39 (Server Edition)',
    id: 'fedora',
    versionId: '39',
    codename: null,
    kernels: [
      { release: '6.11.9-100.fc39.x86_64', version: '#1 SMP PREEMPT_DYNAMIC Sun Nov 17 18:52:19 UTC 2024' },
      { release: '6.11.5-100.fc39.x86_64', version: '#1 SMP PREEMPT_DYNAMIC Tue Oct 22 20:41:43 UTC 2024' },
    ],
    mtas: ['postfix'],
    sql: ['mariadb', 'mysql'],
    web: ['apache', 'nginx'],
    ftp: ['vsftpd', 'proftpd'],
    gcc: 'gcc (GCC) 13.3.1 20240913 (Red Hat 13.3.1-3)',
    packages: {
      openssh: pkg('9.3p1', 'OpenSSH_9.3'),
      'linux-telnetd': pkg('0.17', 'Kernel \\r on an \\m (\\l)'),
      apache: pkg('2.4.62', 'Apache/2.4.62 (Fedora Linux)'),
      nginx: pkg('1.24.0', 'nginx/1.24.0'),
      lighttpd: pkg('1.4.76', 'lighttpd/1.4.76'),
      vsftpd: pkg('3.0.5', '(vsFTPd 3.0.5)'),
      proftpd: pkg('1.3.8b', 'ProFTPD Server (ProFTPD Default Installation)'),
      samba: pkg('4.19.9', '4.19.9'),
      openldap: pkg('2.6.7', '2.6.7'),
      bind: pkg('9.18.30', '9.18.30'),
      dnsmasq: pkg('2.90', 'dnsmasq-2.90'),
      postfix: pkg('3.8.5', 'ESMTP Postfix'),
      sendmail: pkg('8.17.2', 'ESMTP Sendmail 8.17.2/8.17.2'),
      dovecot: pkg('2.3.21', 'Dovecot ready.'),
      mariadb: pkg('10.5.27', '10.5.27-MariaDB'),
      mysql: pkg('8.0.40', '8.0.40'),
      postgresql: pkg('15.10', '15.10'),
      redis: pkg('7.2.6', '7.2.6'),
      'net-snmp': pkg('5.9.3', '5.9.3'),
      mosquitto: pkg('2.0.20', 'mosquitto version 2.0.20'),
      asterisk: pkg('20.9.3', 'Asterisk PBX 20.9.3'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.14', 'RFB 003.008'),
    },
  },
  kali: {
    distro: 'kali',
    vendor: 'OffSec',
    name: 'Kali GNU/Linux Rolling',
    id: 'kali',
    versionId: '2024.4',
    codename: 'kali-rolling',
    kernels: [
      { release: '6.11.2-amd64', version: '#1 SMP PREEMPT_DYNAMIC Kali 6.11.2-1kali1 (2024-10-15)' },
      { release: '6.8.11-amd64', version: '#1 SMP PREEMPT_DYNAMIC Kali 6.8.11-1kali2 (2024-05-30)' },
    ],
    mtas: ['exim', 'postfix'],
    sql: ['mariadb'],
    web: ['apache', 'nginx'],
    ftp: ['vsftpd', 'proftpd', 'pure-ftpd'],
    gcc: 'gcc (Debian 14.2.0-8) 14.2.0',
    packages: {
      openssh: pkg('9.9p1', 'OpenSSH_9.9p1 Debian-3'),
      'linux-telnetd': pkg('2.5', 'Kali GNU/Linux Rolling'),
      apache: pkg('2.4.62', 'Apache/2.4.62 (Debian)'),
      nginx: pkg('1.26.0', 'nginx/1.26.0'),
      lighttpd: pkg('1.4.76', 'lighttpd/1.4.76'),
      vsftpd: pkg('3.0.3', '(vsFTPd 3.0.3)'),
      proftpd: pkg('1.3.8b', 'ProFTPD Server (Debian)'),
      'pure-ftpd': pkg('1.0.50', 'Pure-FTPd'),
      samba: pkg('4.21.1', '4.21.1-Debian'),
      openldap: pkg('2.5.18', '2.5.18+dfsg-3'),
      bind: pkg('9.20.3', '9.20.3-1-Debian'),
      dnsmasq: pkg('2.90', 'dnsmasq-2.90'),
      postfix: pkg('3.9.0', 'ESMTP Postfix (Debian/GNU)'),
      exim: pkg('4.98', 'ESMTP Exim 4.98'),
      dovecot: pkg('2.3.21.1', 'Dovecot (Debian) ready.'),
      mariadb: pkg('11.4.3', '11.4.3-MariaDB-1'),
      postgresql: pkg('17.2', '17.2 (Debian 17.2-1)'),
      redis: pkg('7.0.15', '7.0.15'),
      'net-snmp': pkg('5.9.4', '5.9.4'),
      mosquitto: pkg('2.0.20', 'mosquitto version 2.0.20'),
      asterisk: pkg('20.11.0', 'Asterisk PBX 20.11.0'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.14', 'RFB 003.008'),
    },
  },
  arch: {
    distro: 'arch',
    vendor: 'Arch Linux',
    name: 'Arch Linux',
    id: 'arch',
    // Arch's os-release has BUILD_ID=rolling and no VERSION_ID.
    versionId: 'rolling',
    codename: null,
    kernels: [
      { release: '6.12.1-arch1-1', version: '#1 SMP PREEMPT_DYNAMIC Fri, 22 Nov 2024 16:04:27 +0000' },
      { release: '6.11.9-arch1-1', version: '#1 SMP PREEMPT_DYNAMIC Fri, 15 Nov 2024 20:21:11 +0000' },
    ],
    mtas: ['postfix', 'exim'],
    sql: ['mariadb'],
    web: ['nginx', 'apache'],
    ftp: ['vsftpd', 'proftpd', 'pure-ftpd'],
    gcc: 'gcc (GCC) 14.2.1 20240910',
    packages: {
      openssh: pkg('9.9p1', 'OpenSSH_9.9'),
      'linux-telnetd': pkg('2.5', 'Arch Linux \\r (\\l)'),
      apache: pkg('2.4.62', 'Apache/2.4.62 (Unix)'),
      nginx: pkg('1.26.2', 'nginx/1.26.2'),
      lighttpd: pkg('1.4.76', 'lighttpd/1.4.76'),
      vsftpd: pkg('3.0.5', '(vsFTPd 3.0.5)'),
      proftpd: pkg('1.3.8b', 'ProFTPD Server (ProFTPD Default Installation)'),
      'pure-ftpd': pkg('1.0.52', 'Pure-FTPd'),
      samba: pkg('4.21.1', '4.21.1'),
      openldap: pkg('2.6.8', '2.6.8'),
      bind: pkg('9.20.3', '9.20.3'),
      dnsmasq: pkg('2.90', 'dnsmasq-2.90'),
      postfix: pkg('3.9.0', 'ESMTP Postfix'),
      exim: pkg('4.98', 'ESMTP Exim 4.98'),
      dovecot: pkg('2.3.21.1', 'Dovecot ready.'),
      mariadb: pkg('11.4.4', '11.4.4-MariaDB'),
      postgresql: pkg('17.2', '17.2'),
      redis: pkg('7.2.5', '7.2.5'),
      'net-snmp': pkg('5.9.4', '5.9.4'),
      mosquitto: pkg('2.0.20', 'mosquitto version 2.0.20'),
      asterisk: pkg('22.0.0', 'Asterisk PBX 22.0.0'),
      'tftpd-hpa': pkg('5.2', 'tftp-hpa 5.2'),
      libvncserver: pkg('0.9.14', 'RFB 003.008'),
    },
  },
}

/**
 * Vendor-repository products (same build on every distro), versions current in late 2024. Build hashes
 * are left out on purpose: emulators must not print a made-up commit for a real release.
 */
export const VENDOR_PRODUCTS = {
  docker: [
    pkg('27.3.1', '27.3.1', { apiVersion: '1.47', goVersion: 'go1.22.7' }),
    pkg('26.1.4', '26.1.4', { apiVersion: '1.45', goVersion: 'go1.21.11' }),
    pkg('24.0.7', '24.0.7', { apiVersion: '1.43', goVersion: 'go1.20.10' }),
  ],
  kubernetes: [
    pkg('v1.31.2', 'v1.31.2', { goVersion: 'go1.22.8' }),
    pkg('v1.30.6', 'v1.30.6', { goVersion: 'go1.22.8' }),
    pkg('v1.29.10', 'v1.29.10', { goVersion: 'go1.22.8' }),
  ],
  elasticsearch: [
    pkg('8.15.3', '8.15.3', { luceneVersion: '9.11.1' }),
    pkg('8.11.4', '8.11.4', { luceneVersion: '9.8.0' }),
    pkg('7.17.25', '7.17.25', { luceneVersion: '8.11.3' }),
  ],
  mongodb: [pkg('7.0.14', '7.0.14'), pkg('6.0.18', '6.0.18')],
} as const satisfies Record<string, readonly PackagedProduct[]>
