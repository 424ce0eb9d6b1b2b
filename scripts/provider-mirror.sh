#!/usr/bin/env bash
# Adds a release of the provider to a mirror directory that serves both as a
# filesystem_mirror (the zip files, unchanged, in HOSTNAME/portjsm/portjsm/)
# and, uploaded to any static HTTPS server, as a network_mirror (the
# index.json and VERSION.json files of the provider network mirror protocol,
# https://developer.hashicorp.com/terraform/internals/provider-network-mirror-protocol).
#
#   scripts/provider-mirror.sh RELEASE_DIR MIRROR_DIR [HOSTNAME]
#
# RELEASE_DIR holds a release's files (the zips and the _SHA256SUMS), such as
# a GitHub release's downloads or goreleaser's dist/. HOSTNAME is
# registry.terraform.io by default; OpenTofu users pass registry.opentofu.org.
# Run it once per release: index.json lists every version in the mirror.
set -euo pipefail

[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 RELEASE_DIR MIRROR_DIR [HOSTNAME]" >&2; exit 2; }
release="$1"
host="${3:-registry.terraform.io}"
project="terraform-provider-portjsm"

shopt -s nullglob
sums=("$release/${project}_"*_SHA256SUMS)
[ ${#sums[@]} -eq 1 ] || { echo "$0: expected one ${project}_VERSION_SHA256SUMS in $release, found ${#sums[@]}" >&2; exit 1; }
version="$(basename "${sums[0]}")"
version="${version#"${project}_"}"
version="${version%_SHA256SUMS}"

dir="$2/$host/portjsm/portjsm"
mkdir -p "$dir"

archives=""
while read -r hash name; do
	case "$name" in
	*.zip) ;;
	*) continue ;;
	esac
	[ -f "$release/$name" ] || { echo "$0: $name is in the SHA256SUMS but not in $release" >&2; exit 1; }
	echo "$hash  $release/$name" | sha256sum --check --quiet >&2
	cp "$release/$name" "$dir/$name"
	target="${name#"${project}_${version}_"}"
	target="${target%.zip}"
	archives+="${archives:+,}
    \"$target\": {\"url\": \"$name\", \"hashes\": [\"zh:$hash\"]}"
done <"${sums[0]}"
[ -n "$archives" ] || { echo "$0: ${sums[0]} lists no zip archive" >&2; exit 1; }
printf '{\n  "archives": {%s\n  }\n}\n' "$archives" >"$dir/$version.json"

versions=""
for file in "$dir"/*.json; do
	v="$(basename "$file" .json)"
	[ "$v" = index ] && continue
	versions+="${versions:+, }\"$v\": {}"
done
printf '{\n  "versions": {%s}\n}\n' "$versions" >"$dir/index.json"
echo "$dir: $version added; index.json lists $(echo "$versions" | grep -o '": {}' | wc -l) version(s)" >&2
