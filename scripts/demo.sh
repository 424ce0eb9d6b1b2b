#!/usr/bin/env bash
# make demo: a full JSM → Port sync against the fakes. Builds the provider and
# the fakes into .tools/demo/, starts the fake JSM (a generated tenant) and the
# fake Port (its state kept in .tools/demo/port-state.json between runs), runs
# terraform get and apply on a copy of examples/jsm-to-port whose Terraform
# state stays in .tools/demo/, prints what now lives in Port, and stops the
# fakes. A second run applies no change.
#
# Environment: DEMO_JSM_ADDR and DEMO_PORT_ADDR (listen addresses of the fakes,
# default 127.0.0.1:18081 and 127.0.0.1:18082), DEMO_TERRAFORM (a Terraform
# CLI 1.8 or newer; default: scripts/terraform-path.sh finds or builds one).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
demo="$root/.tools/demo"
bin="$demo/bin"
work="$demo/examples"  # a copy of examples/; jsm-to-port keeps its state here
config="$work/jsm-to-port"
state="$demo/port-state.json"
env_file="$demo/env"
fakes_log="$demo/fakes.log"
jsm_addr="${DEMO_JSM_ADDR:-127.0.0.1:18081}"
port_addr="${DEMO_PORT_ADDR:-127.0.0.1:18082}"

say() { printf '\n==> %s\n' "$*"; }
fail() {
	printf 'make demo: %s\n' "$*" >&2
	exit 1
}

# The fakes run in the background; whatever happens (success, error, Ctrl-C)
# they are stopped with SIGTERM, which makes them save the fake Port's state.
# Being a background job, they ignore the terminal's Ctrl-C, so terraform
# finishes writing its state before the fake Port saves its own.
fakes_pid=""
stop_fakes() {
	[ -n "$fakes_pid" ] || return 0
	kill -TERM "$fakes_pid" 2>/dev/null || true
	if ! wait "$fakes_pid"; then
		printf 'make demo: the fakes did not stop cleanly (the fake Port state may not be saved):\n' >&2
		tail -5 "$fakes_log" >&2 || true
	fi
	fakes_pid=""
}
trap stop_fakes EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$bin"
say "Building the provider, the fakes and the report into ${bin#"$root/"}/"
(cd "$root" && go build -o "$bin/" . ./cmd/portjsm-fakes ./cmd/portjsm-demo-report)
terraform="${DEMO_TERRAFORM:-$("$root/scripts/terraform-path.sh")}"

# dev_overrides make Terraform use the provider just built, without a
# registry; the file is used through TF_CLI_CONFIG_FILE, never ~/.terraformrc.
cat >"$demo/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/portjsm/portjsm" = "$bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$demo/terraformrc" TF_IN_AUTOMATION=1
unset TF_DATA_DIR TF_WORKSPACE TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_apply TF_CLI_ARGS_plan

# A fresh copy of examples/ (modules refer to sibling folders), keeping the
# Terraform state and working files of the last run.
rm -rf "$work.new"
mkdir -p "$work.new"
cp -R "$root/examples/." "$work.new/"
find "$work.new" \( -name .terraform -o -name .terraform.lock.hcl -o -name '*.tfstate' -o -name '*.tfstate.*' \) -prune -exec rm -rf {} +
for f in terraform.tfstate terraform.tfstate.backup .terraform .terraform.lock.hcl; do
	if [ -e "$config/$f" ]; then mv "$config/$f" "$work.new/jsm-to-port/"; fi
done
rm -rf "$work"
mv "$work.new" "$work"

say "Starting the fake JSM on $jsm_addr and the fake Port on $port_addr"
rm -f "$env_file"
"$bin/portjsm-fakes" -jsm-addr "$jsm_addr" -port-addr "$port_addr" -port-state-file "$state" -env-file "$env_file" >"$fakes_log" 2>&1 &
fakes_pid=$!
for _ in $(seq 300); do
	[ -s "$env_file" ] && break
	if ! kill -0 "$fakes_pid" 2>/dev/null; then
		wait "$fakes_pid" || true
		fakes_pid=""
		cat "$fakes_log" >&2
		fail "the fakes did not start; if another demo is running, set DEMO_JSM_ADDR and DEMO_PORT_ADDR to free addresses"
	fi
	sleep 0.1
done
[ -s "$env_file" ] || fail "the fakes did not listen within 30 seconds; see ${fakes_log#"$root/"}"
sed -n 's/^# //p' "$fakes_log"
# shellcheck disable=SC1090
source "$env_file"

# Not terraform init: with dev_overrides, init still asks the registry for the
# overridden provider (it is not published there, and the machine may be
# offline) and fails; Terraform's advice is to skip init with overrides. The
# local backend needs no init, and terraform get installs the modules.
say "terraform get (examples/jsm-to-port, working copy in ${config#"$root/"})"
"$terraform" -chdir="$config" get -no-color >"$demo/get.log" 2>&1 || {
	cat "$demo/get.log" >&2
	fail "terraform get failed"
}
echo "Modules installed; the provider comes from the dev_overrides in ${demo#"$root/"}/terraformrc, so there is nothing to init"

say "terraform apply -auto-approve"
# The plan of a first sync spells out every entity: the whole output goes to
# apply.log, the terminal gets it without the attribute diffs. The filter
# ignores Ctrl-C, so that terraform, which stops gracefully on it, never
# writes into a closed pipe.
if ! "$terraform" -chdir="$config" apply -auto-approve -input=false -no-color 2>&1 |
	(
		trap '' INT
		tee "$demo/apply.log" | awk -v logfile="${demo#"$root/"}/apply.log" '
			/^Terraform will perform the following actions:/ { print; skip = 1; n = 0; next }
			skip && /^(Plan: |Error: |Warning: )/ { printf "  (%d lines of attribute changes left out: see %s)\n\n", n, logfile; skip = 0 }
			skip { n++; if ($0 ~ /^  # /) print; next }
			{ print }'
	); then
	fail "terraform apply failed; its whole output is in ${demo#"$root/"}/apply.log"
fi

say "Reading Port back"
"$bin/portjsm-demo-report"

cat <<EOF

==> To look at the plan of the next sync yourself, from ${root}:

  # terminal 1: the fakes, with the fake Port state of this demo (Ctrl-C saves it)
  go run ./cmd/portjsm-fakes -jsm-addr $jsm_addr -port-addr $port_addr -port-state-file ${state#"$root/"}

  # terminal 2:
$(sed 's/^/  /' "$env_file")
  TF_CLI_CONFIG_FILE=\$PWD/${demo#"$root/"}/terraformrc ${terraform#"$root/"} -chdir=${config#"$root/"} plan

Run make demo again and Terraform finds nothing to change. Remove ${demo#"$root/"} to start over.
EOF
