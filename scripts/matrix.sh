#!/usr/bin/env bash
# Runs the acceptance suite (TF_ACC=1 go test ./internal/provider/...) once per
# Terraform or OpenTofu CLI of the matrix, each built into .tools/ by
# scripts/build-terraform.sh, and prints the versions with their pass, fail
# and skip counts. The default matrix is the oldest Terraform the provider
# supports (1.8.5: provider functions need 1.8), the newest Terraform 1.x and
# the newest OpenTofu that the Go module proxy serves; set MATRIX to change it,
# e.g. MATRIX="terraform:1.8.5 tofu:1.9.1". Logs go to .tools/matrix/.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
matrix="${MATRIX:-terraform:1.8.5 terraform:latest tofu:latest}"
logs="$root/.tools/matrix"
mkdir -p "$logs"
# An empty CLI configuration keeps the runs independent of the machine's
# (~/.terraformrc, TF_CLI_CONFIG_FILE): OpenTofu prints a warning about a
# configured file that does not exist into `tofu version`, which breaks
# terraform-plugin-testing's version check.
cli_config="$logs/empty.tfrc"
: >"$cli_config"

# Build every CLI first, so that a build failure shows before any test runs.
declare -a entries=()
for entry in $matrix; do
	product="${entry%%:*}"
	bin="$(scripts/build-terraform.sh "$product" "${entry#*:}")"
	version="$("$bin" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1)"
	entries+=("$product $version $bin")
done

declare -a summary=()
failed=0
for entry in "${entries[@]}"; do
	read -r product version bin <<<"$entry"
	log="$logs/$product-$version.log"
	# OpenTofu resolves provider sources without a hostname to its own registry,
	# so terraform-plugin-testing must serve the provider under that hostname.
	host="registry.terraform.io"
	[ "$product" = tofu ] && host="registry.opentofu.org"
	echo "=== $product $version ($bin): TF_ACC=1 go test ./internal/provider/... (log: ${log#"$root"/})"
	status=0
	TF_ACC=1 TF_ACC_TERRAFORM_PATH="$bin" TF_ACC_PROVIDER_HOST="$host" TF_CLI_CONFIG_FILE="$cli_config" \
		go test -count=1 -v -timeout 30m ./internal/provider/... >"$log" 2>&1 || status=$?
	pass="$(grep -c '^--- PASS' "$log" || true)"
	fail="$(grep -c '^--- FAIL' "$log" || true)"
	skip="$(grep -c '^--- SKIP' "$log" || true)"
	result=ok
	if [ "$status" -ne 0 ]; then
		result=FAILED
		failed=1
		grep -E '^(--- FAIL|FAIL|panic:)' "$log" || tail -n 20 "$log"
	fi
	summary+=("$(printf '%-9s %-8s %4s passed %4s failed %4s skipped  %s' "$product" "$version" "$pass" "$fail" "$skip" "$result")")
done

echo
echo "acceptance matrix (top-level tests of ./internal/provider/...):"
printf '%s\n' "${summary[@]}"
exit "$failed"
