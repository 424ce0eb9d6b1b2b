#!/usr/bin/env bash
# Prints the path of a Terraform CLI of version 1.8 or newer: the one on PATH
# when it is new enough, otherwise one built with `go install` into .tools/.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
wanted="1.8.5"
tools="$root/.tools/terraform-$wanted"

new_enough() {
	local version
	version="$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p' | head -n1)"
	[ -n "$version" ] || return 1
	local major minor
	major="${version%%.*}"
	minor="${version#*.}"
	minor="${minor%%.*}"
	[ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 8 ]; }
}

if candidate="$(command -v terraform 2>/dev/null)" && new_enough "$candidate"; then
	echo "$candidate"
	exit 0
fi
if [ -x "$tools/terraform" ] && new_enough "$tools/terraform"; then
	echo "$tools/terraform"
	exit 0
fi
echo "no Terraform 1.8 or newer on PATH: building $wanted into $tools (about two minutes)" >&2
GOBIN="$tools" go install "github.com/hashicorp/terraform@v$wanted" >&2
echo "$tools/terraform"
