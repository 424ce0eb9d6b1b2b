#!/usr/bin/env bash
# Measures the sync through the real Terraform CLI against the fakes (10 ms
# latency on every request): a first sync (terraform apply) and a no-op plan
# of examples/jsm-to-port at each tenant size given (default 1000 10000
# 100000), with wall time, the provider process's peak memory and the state
# file size. Usage: scripts/bench-sync.sh [sizes...]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
sizes=("${@:-1000 10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
terraform="$("$root/scripts/terraform-path.sh")"
work="$(mktemp -d)"
fakes_pid=""
cleanup() {
	[ -n "$fakes_pid" ] && kill "$fakes_pid" 2>/dev/null && wait "$fakes_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/bin/terraform-provider-portjsm" "$root"
go build -o "$work/bin/portjsm-fakes" "$root/cmd/portjsm-fakes"
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

timed() { # timed NAME CMD... : prints seconds and peak provider RSS
	local name="$1"
	shift
	rm -f "$work/mem" "$work/mem.stop"
	watch_provider_memory "$work/mem" &
	local watcher=$! start end
	start=$(date +%s.%N)
	"$@" >"$work/$name.log" 2>&1 || { echo "$name failed:"; tail -40 "$work/$name.log"; exit 1; }
	end=$(date +%s.%N)
	touch "$work/mem.stop"
	wait "$watcher"
	awk -v s="$start" -v e="$end" -v kb="$(cat "$work/mem")" 'BEGIN { printf "%.1f %d", e - s, kb / 1024 }'
}

printf '%-8s %-16s %-18s %-16s %-18s %s\n' requests "apply (s)" "apply peak (MiB)" "no-op plan (s)" "plan peak (MiB)" "state (MB)"
for n in "${sizes[@]}"; do
	rm -rf "$work/run" && mkdir -p "$work/run"
	cp -r "$root/examples/jsm-to-port" "$root/examples/jsm-to-port-blueprints" "$work/run/"
	"$work/bin/portjsm-fakes" -requests "$n" -desks 20 -organizations 50 -latency 10ms -env-file "$work/env" >/dev/null &
	fakes_pid=$!
	for _ in $(seq 100); do [ -s "$work/env" ] && break; sleep 0.1; done
	# shellcheck disable=SC1091
	source "$work/env"
	cd "$work/run/jsm-to-port"
	# Modules only: with dev_overrides the provider needs no installation.
	"$terraform" get >"$work/init.log" 2>&1 || { tail -20 "$work/init.log"; exit 1; }
	read -r apply_s apply_mb <<<"$(timed apply "$terraform" apply -auto-approve -input=false)"
	read -r plan_s plan_mb <<<"$(timed plan "$terraform" plan -detailed-exitcode -input=false)"
	state_mb="$(awk -v b="$(stat -c %s terraform.tfstate)" 'BEGIN { printf "%.1f", b / 1e6 }')"
	printf '%-8s %-16s %-18s %-16s %-18s %s\n' "$n" "$apply_s" "$apply_mb" "$plan_s" "$plan_mb" "$state_mb"
	cd "$root"
	kill "$fakes_pid" && wait "$fakes_pid" 2>/dev/null || true
	fakes_pid=""
	rm -f "$work/env"
done
