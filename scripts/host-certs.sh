#!/usr/bin/env bash
# Prepares a Docker Engine to be enrolled as a DECNET host over mutual TLS.
#
#   scripts/host-certs.sh <out-dir> <host-address> [client-name]
#
# Creates a CA, a server certificate for <host-address> (IP or DNS name) and a client certificate
# for DECNET, then prints the dockerd flags to run on the host and the files to paste into
# hosts.enroll (ca.pem, client-cert.pem, client-key.pem). Only openssl is needed.
set -euo pipefail

out=${1:?usage: host-certs.sh <out-dir> <host-address> [client-name]}
address=${2:?usage: host-certs.sh <out-dir> <host-address> [client-name]}
client=${3:-decnet}
days=${DECNET_CERT_DAYS:-825}
# The decoy image's tag follows its package version (packages/decoys/src/image-tag.ts).
decoys_manifest="$(dirname "${BASH_SOURCE[0]}")/../packages/decoys/package.json"
decoy_image="decnet/decoy:$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$decoys_manifest")"

mkdir -p "$out"
cd "$out"
umask 077

if [[ $address =~ ^[0-9.]+$ ]]; then san="IP:$address,IP:127.0.0.1"; else san="DNS:$address,IP:127.0.0.1"; fi

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca-key.pem
openssl req -new -x509 -days "$days" -key ca-key.pem -sha256 -subj "/CN=decnet-host-ca" -out ca.pem

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server-key.pem
openssl req -new -key server-key.pem -subj "/CN=$address" -out server.csr
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" > server-ext.cnf
openssl x509 -req -days "$days" -sha256 -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
  -out server-cert.pem -extfile server-ext.cnf 2>/dev/null

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client-key.pem
openssl req -new -key client-key.pem -subj "/CN=$client" -out client.csr
printf 'extendedKeyUsage=clientAuth\n' > client-ext.cnf
openssl x509 -req -days "$days" -sha256 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
  -out client-cert.pem -extfile client-ext.cnf 2>/dev/null

rm -f server.csr client.csr server-ext.cnf client-ext.cnf ca.srl
chmod 0444 ca.pem server-cert.pem client-cert.pem

cat <<MSG
Certificates written to $(pwd).

On the host, run dockerd with:
  dockerd --tlsverify --tlscacert=$(pwd)/ca.pem --tlscert=$(pwd)/server-cert.pem \\
          --tlskey=$(pwd)/server-key.pem -H tcp://0.0.0.0:2376 -H unix:///var/run/docker.sock

Copy the decoy image there (engines never pull):
  docker save $decoy_image | docker --tlsverify --tlscacert=$(pwd)/ca.pem \\
    --tlscert=$(pwd)/client-cert.pem --tlskey=$(pwd)/client-key.pem -H tcp://$address:2376 load

Keep ca-key.pem offline. Then enroll it (pick its decky network):
  decnet hosts enroll <name> --url tcp://$address:2376 --ca $(pwd)/ca.pem \\
    --cert $(pwd)/client-cert.pem --key $(pwd)/client-key.pem \\
    --driver macvlan --parent <interface> --subnet <cidr> --gateway <ip>
MSG
