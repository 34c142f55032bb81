#!/bin/sh
# A peer row for bench/run.ts: GDCM's gdcmanon (PS3.15 E.1.1 Basic Profile, Debian package
# libgdcm-tools) over IN into OUT. It encrypts the original attributes into an Encrypted
# Attributes Sequence (E.1.2), so it needs a certificate: a throw-away one is made once.
set -eu
in=$1 out=$2
cert_dir=$(dirname "$0")/work/gdcm-cert
if [ ! -f "$cert_dir/cert.pem" ]; then
  mkdir -p "$cert_dir"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$cert_dir/key.pem" -out "$cert_dir/cert.pem" \
    -days 3650 -subj "/CN=deid-bench" 2>/dev/null
fi
mkdir -p "$out"
if [ -d "$in" ]; then
  exec gdcmanon -e -c "$cert_dir/cert.pem" -r --continue -i "$in" -o "$out"
fi
exec gdcmanon -e -c "$cert_dir/cert.pem" -i "$in" -o "$out/$(basename "$in")"
