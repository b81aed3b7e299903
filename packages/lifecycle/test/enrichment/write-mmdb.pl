#!/usr/bin/perl
# Writes a small GeoLite2-City/ASN-layout .mmdb with MaxMind's own writer (Debian
# libmaxmind-db-writer-perl): the "operator's newer database" of the enrichment tests.
# Usage: write-mmdb.pl OUT.mmdb NETWORK CITY COUNTRY ASN ORG
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my ($out, $network, $city, $country, $asn, $org) = @ARGV;
my %types = (
    city                           => 'map',
    names                          => 'map',
    en                             => 'utf8_string',
    country                        => 'map',
    iso_code                       => 'utf8_string',
    autonomous_system_number       => 'uint32',
    autonomous_system_organization => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 28,
    database_type         => 'DECNET-Test-City-ASN',
    languages             => ['en'],
    description           => { en => 'DECNET enrichment test database' },
    map_key_type_callback => sub { $types{ $_[0] } },
);
$tree->insert_network(
    $network,
    {
        city                           => { names => { en => $city } },
        country                        => { iso_code => $country },
        autonomous_system_number       => $asn,
        autonomous_system_organization => $org,
    },
);
open my $fh, '>:raw', $out or die "cannot write $out: $!";
$tree->write_tree($fh);
close $fh;
