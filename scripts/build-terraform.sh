#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from its Go module source into .tools/ and
# prints the binary's path; a binary already built is reused.
#
#   scripts/build-terraform.sh terraform 1.8.5
#   scripts/build-terraform.sh terraform latest   # newest 1.x the module proxy serves
#   scripts/build-terraform.sh tofu latest
#
# Terraform 1.8 and older install with `go install`. Newer releases carry
# replace directives, which `go install` refuses, so they build inside a copy
# of their module directory, where the replace directives apply. Terraform
# 1.10+ replaces its cloud state backends and internal/legacy with nested
# modules that the module zip does not contain: those backends are removed
# from internal/backend/init/init.go and their require and replace lines
# dropped. The local backend is all the acceptance tests need.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
	echo "usage: $0 terraform|tofu VERSION|latest" >&2
	exit 2
}

[ $# -eq 2 ] || usage
product="$1"
version="${2#v}"
case "$product" in
terraform) module="github.com/hashicorp/terraform" main="." ;;
tofu) module="github.com/opentofu/opentofu" main="./cmd/tofu" ;;
*) usage ;;
esac

# newest_release prints the highest 1.x release (no pre-release) the module proxy serves.
newest_release() {
	go list -m -versions "$module" | tr ' ' '\n' | grep -E '^v1\.[0-9]+\.[0-9]+$' | sort -V | tail -n1 | sed 's/^v//'
}

if [ "$version" = latest ]; then
	version="$(newest_release)"
	[ -n "$version" ] || { echo "$0: the module proxy lists no 1.x release of $module" >&2; exit 1; }
fi

tools="$root/.tools/$product-$version"
binary="$tools/$product"
if [ -x "$binary" ]; then
	echo "$binary"
	exit 0
fi

minor="$(echo "$version" | cut -d. -f2)"
if [ "$product" = terraform ] && [ "$minor" -le 8 ]; then
	echo "building $product $version with go install into $tools (about two minutes)" >&2
	GOBIN="$tools" go install -ldflags "-X $module/version.dev=no" "$module@v$version" >&2
	echo "$binary"
	exit 0
fi

echo "building $product $version from its module source into $tools (about three minutes)" >&2
source_dir="$(go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$source_dir" ] || { echo "$0: go mod download did not give a directory for $module@v$version" >&2; exit 1; }

# A fixed build directory keeps the Go build cache valid from one build to the next.
work="$root/.tools/build/$product-$version"
rm -rf "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
cp -R "$source_dir/." "$work/src"
chmod -R u+w "$work/src"

# missing_replacements prints the module paths whose replace directive points
# at a directory the module zip does not contain.
missing_replacements() {
	go mod edit -json | awk '
		/"Replace": \[/ { in_replace = 1 }
		in_replace && /"Old": \{/ { want_old = 1 }
		in_replace && want_old && /"Path":/ { gsub(/[",]/, "", $2); old = $2; want_old = 0 }
		in_replace && /"New": \{/ { want_new = 1 }
		in_replace && want_new && /"Path":/ { gsub(/[",]/, "", $2); if ($2 ~ /^\.\.?\//) print old " " $2; want_new = 0 }
	' | while read -r path dir; do
		[ -d "$dir" ] || echo "$path"
	done
}

# drop_backend removes one state backend's import and its registration from
# init.go, failing when either is not there exactly once.
drop_backend() {
	local file="$1" path="$2" alias count
	alias="$(sed -n "s#^[[:space:]]*\([A-Za-z0-9_]*\) \"$path\"\$#\1#p" "$file")"
	[ -n "$alias" ] || { echo "$0: $file no longer imports $path as expected; update the patch in $0" >&2; exit 1; }
	count="$(grep -c "return $alias\.New()" "$file" || true)"
	[ "$count" = 1 ] || { echo "$0: $file registers $alias $count times, expected once; update the patch in $0" >&2; exit 1; }
	sed -i -e "\#^[[:space:]]*$alias \"$path\"\$#d" -e "/return $alias\.New()/d" "$file"
}

(
	cd "$work/src"
	init_go="internal/backend/init/init.go"
	for path in $(missing_replacements); do
		echo "dropping $path: its nested module is not in the module zip" >&2
		case "$path" in
		"$module/internal/backend/remote-state/"*) drop_backend "$init_go" "$path" ;;
		"$module/internal/legacy") ;;
		*) echo "$0: $module@v$version replaces $path with a directory the zip lacks; only state backends and internal/legacy are known" >&2; exit 1 ;;
		esac
		go mod edit -droprequire="$path" -dropreplace="$path"
	done
	# version.dev=no stamps the release version, as the official builds do, instead of VERSION-dev.
	go build -ldflags "-X $module/version.dev=no" -o "$work/$product" "$main" >&2
)
mkdir -p "$tools"
mv "$work/$product" "$binary"
echo "$binary"
