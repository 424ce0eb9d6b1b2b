#!/usr/bin/env bash
# Prints the path of a Terraform CLI of version 1.8 or newer: the one on PATH
# when it is new enough, otherwise 1.8.5 built into .tools/ by
# scripts/build-terraform.sh (which builds any other version, and OpenTofu).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
wanted="1.8.5"

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
exec "$root/scripts/build-terraform.sh" terraform "$wanted"
