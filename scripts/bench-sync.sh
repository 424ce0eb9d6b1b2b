#!/usr/bin/env bash
# Measures the sync through the real Terraform CLI against the fakes (10 ms
# latency on every request): a first sync (terraform apply) and no-op plans
# of examples/jsm-to-port at each tenant size given (default 1000 10000
# 100000), with wall time, the provider process's peak memory and the state
# file size. Beside it the Terraform floor: the same configuration with
# scripts/floor-provider, which only returns the entities_json of the real
# run, so that "plan / floor" is the real no-op plan's time over what
# Terraform itself costs for that state. The no-op plans alternate, the
# provider's and the floor's, PLAN_RUNS times each (default 3); the medians
# are compared, as one plan of two shared cores differs from the next by up
# to a fifth, and the highest peaks are reported.
# The floor's apply is timed too, from the same empty state, and printed
# beside the Port write bound: the bulk upserts the first sync needs (20
# entities each) times the fakes' latency, divided by port.concurrency (4).
# Usage: scripts/bench-sync.sh [--phases] [sizes...]
# --phases runs the provider at TF_LOG_PROVIDER=DEBUG and prints, after each
# size, where the time of its apply and median no-op plan went (scripts/phases.awk):
# every RPC, the provider's handler, each phase inside it and the plugin
# framework's decoding and encoding. Debug logging costs a little time.
# PROVIDER_TREE=DIR measures the provider built from another checkout (for
# example a worktree of an earlier commit) with this script, fakes and floor.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
phases=""
if [ "${1:-}" = "--phases" ]; then
	phases=1
	shift
fi
sizes=("${@:-1000 10000 100000}")
plan_runs="${PLAN_RUNS:-3}"
read -r -a sizes <<<"${sizes[*]}"
terraform="$("$root/scripts/terraform-path.sh")"
work="$(mktemp -d)"
fakes_pid=""
watcher=""
cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null && wait "$watcher" 2>/dev/null
	[ -n "$fakes_pid" ] && kill "$fakes_pid" 2>/dev/null && wait "$fakes_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

(cd "${PROVIDER_TREE:-$root}" && go build -o "$work/bin/terraform-provider-portjsm" .)
go build -o "$work/bin/portjsm-fakes" "$root/cmd/portjsm-fakes"
# The floor provider goes in its own directory under the same binary name, with
# its own CLI configuration, so that its dev_overrides point at it.
go build -o "$work/floor-bin/terraform-provider-portjsm" "$root/scripts/floor-provider"
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/portjsm/portjsm" = "$work/bin"
  }
  direct {}
}
RC
sed "s|$work/bin|$work/floor-bin|" "$work/terraformrc" >"$work/floor-terraformrc"
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
floor=(env TF_CLI_CONFIG_FILE="$work/floor-terraformrc" PORTJSM_FLOOR_DIR="$work/floor-data")

# watch_provider_memory FILE BINARY: polls every process started as the
# provider BINARY until FILE.stop exists and keeps the highest VmHWM seen, in
# kB, in FILE. It reads /proc with shell builtins only: a pgrep and an awk
# every 50 ms took about a quarter of a core from the run being measured.
watch_provider_memory() {
	local out="$1" binary="$2" peak=0 cmd dir key kb
	while [ ! -e "$out.stop" ]; do
		for dir in /proc/[0-9]*; do
			{ IFS= read -r -d '' cmd <"$dir/cmdline"; } 2>/dev/null || continue
			[ "$cmd" = "$binary" ] || continue
			while read -r key kb _; do
				[ "$key" = "VmHWM:" ] && [ "$kb" -gt "$peak" ] && peak="$kb"
			done <"$dir/status" 2>/dev/null
		done
		echo "$peak" >"$out"
		sleep 0.05
	done
}

# provider_log NAME: the environment of a provider run whose phases are kept
# in $work/NAME.phases when --phases is given.
provider_log() {
	if [ -n "$phases" ]; then
		echo "TF_LOG_PROVIDER=DEBUG TF_LOG_PATH=$work/$1.phases"
	else
		echo "TF_LOG_PROVIDER="
	fi
}

# timed NAME BINARY CMD...: runs CMD, setting secs (wall time, unrounded) and
# mib (peak RSS of the provider BINARY's processes). Not to be run in a
# subshell: a failing CMD (or a plan with changes, exit 2 of
# -detailed-exitcode) ends the script.
timed() {
	local name="$1" binary="$2"
	shift 2
	rm -f "$work/mem" "$work/mem.stop"
	watch_provider_memory "$work/mem" "$binary" &
	watcher=$!
	local start end rc=0
	start=$(date +%s.%N)
	"$@" >"$work/$name.log" 2>&1 || rc=$?
	end=$(date +%s.%N)
	touch "$work/mem.stop"
	wait "$watcher"
	watcher=""
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 2 ] && echo "$name: the no-op plan has changes (exit 2):" >&2 || echo "$name failed (exit $rc):" >&2
		tail -40 "$work/$name.log" >&2
		exit 1
	fi
	secs="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')"
	mib="$(awk -v kb="$(cat "$work/mem")" 'BEGIN { printf "%d", kb / 1024 }')"
}
tenth() { awk -v x="$1" 'BEGIN { printf "%.1f", x }'; }
# median "SECS K"...: the line of the median time (the lower middle one of
# an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'; }

# Port's fake latency, and the client's bulk size and concurrency, for the
# write bound.
latency_s=0.010 bulk_size=20 port_concurrency=4
row='%-8s %-10s %-11s %-12s %-17s %-12s %-14s %-9s %-10s %-11s %-11s %-12s %-10s %s\n'
# shellcheck disable=SC2059
printf "$row" requests "apply (s)" "apply peak" "floor apply" "floor apply peak" "write bound" "apply / bound" \
	"plan (s)" "plan peak" "floor plan" "floor peak" "plan / floor" "state (MB)" "(seconds; peaks in MiB)"
for n in "${sizes[@]}"; do
	rm -rf "$work/run" "$work/floor" "$work/floor-data" "$work"/*.phases && mkdir -p "$work/run" "$work/floor" "$work/floor-data"
	cp -r "$root/examples/jsm-to-port" "$root/examples/jsm-to-port-blueprints" "$work/run/"
	cp -r "$root/examples/jsm-to-port" "$root/examples/jsm-to-port-blueprints" "$work/floor/"
	"$work/bin/portjsm-fakes" -requests "$n" -desks 20 -organizations 50 -latency 10ms -env-file "$work/env" >/dev/null &
	fakes_pid=$!
	for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
	# shellcheck disable=SC1091
	source "$work/env"
	cd "$work/run/jsm-to-port"
	# Modules only: with dev_overrides the provider needs no installation.
	"$terraform" get >"$work/init.log" 2>&1 || { tail -20 "$work/init.log"; exit 1; }
	# shellcheck disable=SC2046
	timed apply "$work/bin/terraform-provider-portjsm" env $(provider_log apply) "$terraform" apply -auto-approve -input=false
	apply_s="$secs" apply_mb="$mib"
	state_mb="$(awk -v b="$(stat -c %s terraform.tfstate)" 'BEGIN { printf "%.1f", b / 1e6 }')"
	# The floor's data sources return what the real ones read.
	for ds in portjsm_service_desks portjsm_customer_requests portjsm_organizations; do
		jq -j --arg t "$ds" '.resources[] | select(.mode == "data" and .type == $t) | .instances[0].attributes.entities_json' \
			terraform.tfstate >"$work/floor-data/$ds.json"
		[ -s "$work/floor-data/$ds.json" ] || { echo "no entities_json of $ds in the state" >&2; exit 1; }
	done
	upserts="$(for ds in portjsm_service_desks portjsm_customer_requests portjsm_organizations; do
		jq 'length' "$work/floor-data/$ds.json"
	done | awk -v b="$bulk_size" '{ n += int(($1 + b - 1) / b) } END { print n }')"
	bound_s="$(awk -v n="$upserts" -v l="$latency_s" -v c="$port_concurrency" 'BEGIN { printf "%.3f", n * l / c }')"

	# The floor: the same configuration applied with the floor provider from
	# the same empty state. Then the no-op plans, which must find no changes:
	# the provider's and the floor's in turn, plan_runs of each, of which the
	# medians are compared and the highest peaks reported.
	cd "$work/floor/jsm-to-port"
	"${floor[@]}" "$terraform" get >"$work/floor-init.log" 2>&1 || { tail -20 "$work/floor-init.log" >&2; exit 1; }
	timed floor-apply "$work/floor-bin/terraform-provider-portjsm" "${floor[@]}" "$terraform" apply -auto-approve -input=false
	floor_apply_s="$secs" floor_apply_mb="$mib"
	plans=() floor_plans=() plan_mb=0 floor_mb=0
	for k in $(seq "$plan_runs"); do
		cd "$work/run/jsm-to-port"
		# shellcheck disable=SC2046
		timed "plan-$k" "$work/bin/terraform-provider-portjsm" env $(provider_log "plan-$k") "$terraform" plan -detailed-exitcode -input=false
		plans+=("$secs $k") plan_mb=$((mib > plan_mb ? mib : plan_mb))
		cd "$work/floor/jsm-to-port"
		timed "floor-plan-$k" "$work/floor-bin/terraform-provider-portjsm" "${floor[@]}" "$terraform" plan -detailed-exitcode -input=false
		floor_plans+=("$secs $k") floor_mb=$((mib > floor_mb ? mib : floor_mb))
	done
	read -r plan_s plan_k <<<"$(median "${plans[@]}")"
	read -r floor_s _ <<<"$(median "${floor_plans[@]}")"
	kill "$fakes_pid" 2>/dev/null || true
	wait "$fakes_pid" 2>/dev/null || true
	fakes_pid=""
	rm -f "$work/env"
	ratio="$(awk -v p="$plan_s" -v f="$floor_s" 'BEGIN { printf "%.2f", p / f }')"
	apply_ratio="$(awk -v a="$apply_s" -v f="$floor_apply_s" -v b="$bound_s" 'BEGIN { printf "%.2f", a / (f + b) }')"
	# shellcheck disable=SC2059
	printf "$row" "$n" "$(tenth "$apply_s")" "$apply_mb" "$(tenth "$floor_apply_s")" "$floor_apply_mb" "$(tenth "$bound_s")" "$apply_ratio" \
		"$(tenth "$plan_s")" "$plan_mb" "$(tenth "$floor_s")" "$floor_mb" "$ratio" "$state_mb"
	if [ -n "$phases" ]; then
		awk -v LABEL=apply -f "$root/scripts/phases.awk" "$work/apply.phases"
		awk -v LABEL=plan -f "$root/scripts/phases.awk" "$work/plan-$plan_k.phases" | tail -n +2
		echo
	fi
	cd "$root"
done
