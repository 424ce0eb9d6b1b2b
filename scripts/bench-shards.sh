#!/usr/bin/env bash
# Measures the sharded sync against one state, side by side in one run,
# through the real Terraform CLI against the fakes (10 ms latency on every
# request), for each N given (default 10000):
#   one state:  examples/jsm-to-port syncing a tenant of 3 desks and 3N requests;
#   3 shards:   examples/sharded (the shared root, then the three desk shards
#               applied in parallel, each in its own checkout and state) on the
#               same tenant, against a fresh fake Port.
# For each: the first sync (apply) and a no-op plan, wall time, the highest
# peak memory of one provider process, and the state size (largest shard).
# Usage: scripts/bench-shards.sh [N...]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
sizes=("${@:-10000}")
read -r -a sizes <<<"${sizes[*]}"
terraform="$("$root/scripts/terraform-path.sh")"
work="$(mktemp -d)"
fakes_pid=""
stop_fakes() {
	if [ -n "$fakes_pid" ]; then
		kill "$fakes_pid" 2>/dev/null || true
		wait "$fakes_pid" 2>/dev/null || true
	fi
	fakes_pid=""
	rm -f "$work/env"
}
cleanup() {
	stop_fakes
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/bin/terraform-provider-portjsm" "$root"
go build -o "$work/bin/portjsm-fakes" "$root/cmd/portjsm-fakes"
# terraform init does not take dev_overrides: the shard roots, which have a
# backend, install the provider from a local mirror instead.
mirror="$work/mirror/registry.terraform.io/portjsm/portjsm/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$mirror"
cp "$work/bin/terraform-provider-portjsm" "$mirror/terraform-provider-portjsm_v0.0.1"
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/portjsm/portjsm" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1

# watch_provider_memory FILE: polls every provider process until FILE.stop
# exists and keeps the highest VmHWM seen, in kB, in FILE.
watch_provider_memory() {
	local out="$1" peak=0
	while [ ! -e "$out.stop" ]; do
		for pid in $(pgrep -f "$work/bin/terraform-provider-portjsm" || true); do
			hwm="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
			[ "${hwm:-0}" -gt "$peak" ] && peak="$hwm"
		done
		echo "$peak" >"$out"
		sleep 0.05
	done
}

timed() { # timed NAME CMD... : prints seconds and peak RSS of one provider
	local name="$1"
	shift
	rm -f "$work/mem" "$work/mem.stop"
	watch_provider_memory "$work/mem" &
	local watcher=$! start end
	start=$(date +%s.%N)
	"$@" >"$work/$name.log" 2>&1 || { echo "$name failed:" >&2; tail -40 "$work/$name.log" >&2; exit 1; }
	end=$(date +%s.%N)
	touch "$work/mem.stop"
	wait "$watcher"
	awk -v s="$start" -v e="$end" -v kb="$(cat "$work/mem")" 'BEGIN { printf "%.1f %d", e - s, kb / 1024 }'
}

start_fakes() { # start_fakes REQUESTS
	"$work/bin/portjsm-fakes" -requests "$1" -desks 3 -organizations 50 -latency 10ms -env-file "$work/env" >/dev/null &
	fakes_pid=$!
	for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
	# shellcheck disable=SC1091
	source "$work/env"
}

# on_shards CMD...: runs CMD in every shard's directory at once; fails if any fails.
on_shards() {
	local pids=() d
	for d in 1 2 3; do
		(cd "$work/shards/desk-$d/sharded/shard" && TF_VAR_service_desk_id="$d" "$@" >"$work/desk-$d.log" 2>&1) &
		pids+=($!)
	done
	for d in "${!pids[@]}"; do
		wait "${pids[$d]}" || { tail -40 "$work/desk-$((d + 1)).log"; return 1; }
	done
}

# checkout DIR STATE: a copy of examples/ whose sharded roots keep their state
# in the local file STATE instead of S3.
checkout() {
	mkdir -p "$1"
	cp -r "$root/examples/." "$1/"
	for r in shard shared; do
		printf 'terraform {\n  backend "local" {\n    path = "%s"\n  }\n}\n' "$2" >"$1/sharded/$r/backend_override.tf"
	done
}

state_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1e6 }'; }

printf '%-24s %-10s %-16s %-18s %-16s %-16s %s\n' layout requests "apply (s)" "apply peak (MiB)" "no-op plan (s)" "plan peak (MiB)" "state (MB)"
for n in "${sizes[@]}"; do
	total=$((3 * n))

	# One state holding all 3N requests.
	rm -rf "$work/single" && checkout "$work/single" "$work/unused.tfstate"
	start_fakes "$total"
	cd "$work/single/jsm-to-port"
	"$terraform" get >"$work/get.log" 2>&1 || { tail -20 "$work/get.log"; exit 1; }
	read -r apply_s apply_mb <<<"$(timed single-apply "$terraform" apply -auto-approve -input=false)"
	read -r plan_s plan_mb <<<"$(timed single-plan "$terraform" plan -detailed-exitcode -input=false)"
	printf '%-24s %-10s %-16s %-18s %-16s %-16s %s\n' "one state" "$total" "$apply_s" "$apply_mb" "$plan_s" "$plan_mb" "$(state_mb terraform.tfstate)"
	cd "$root"
	stop_fakes

	# Three shards of about N requests each, in parallel, on the same tenant.
	rm -rf "$work/shards" "$work/states" && mkdir -p "$work/states"
	checkout "$work/shards/shared" "$work/states/shared.tfstate"
	for d in 1 2 3; do checkout "$work/shards/desk-$d" "$work/states/desk-$d.tfstate"; done
	start_fakes "$total"
	for dir in "$work/shards/shared/sharded/shared" "$work/shards"/desk-*/sharded/shard; do
		"$terraform" -chdir="$dir" init -input=false -plugin-dir="$work/mirror" >"$work/init.log" 2>&1 || { tail -20 "$work/init.log"; exit 1; }
	done
	read -r shared_s _ <<<"$(timed shared-apply "$terraform" -chdir="$work/shards/shared/sharded/shared" apply -auto-approve -input=false)"
	read -r apply_s apply_mb <<<"$(timed shards-apply on_shards "$terraform" apply -auto-approve -input=false)"
	read -r plan_s plan_mb <<<"$(timed shards-plan on_shards "$terraform" plan -detailed-exitcode -input=false)"
	largest=0
	for d in 1 2 3; do
		s="$(stat -c %s "$work/states/desk-$d.tfstate")"
		[ "$s" -gt "$largest" ] && largest="$s"
	done
	counts="$(for d in 1 2 3; do "$terraform" -chdir="$work/shards/desk-$d/sharded/shard" output -raw customer_requests; printf ' '; done)"
	printf '%-24s %-10s %-16s %-18s %-16s %-16s %s\n' "3 shards in parallel" "$total" "$apply_s" "$apply_mb" "$plan_s" "$plan_mb" \
		"$(awk -v b="$largest" 'BEGIN { printf "%.1f", b / 1e6 }')"
	echo "  (requests per shard: ${counts% }; the shared root's first apply, blueprints and organizations, took ${shared_s} s)"
	stop_fakes
done
