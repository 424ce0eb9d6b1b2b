# Sums the provider's "phase breakdown" log lines (TF_LOG_PROVIDER=DEBUG, see
# internal/provider/rpc_phases.go) per RPC and type, in seconds: the whole
# call, the provider's handler and, inside it, each phase (its wall time,
# concurrent spans counted once; phases overlap), the plugin framework's
# decoding and encoding (framework), and the call's encoded values in MB.
# Usage: awk -f scripts/phases.awk LABEL=plan TF_LOG_PATH_FILE
BEGIN {
	ncols = split("total provider framework jsm_network jsm_decode jq entities_json port_network port_decode port_encode diff", cols, " ")
}
/phase breakdown:/ {
	rpc = ""; type = ""; delete v
	for (i = 1; i <= NF; i++) {
		eq = index($i, "=")
		if (eq == 0) continue
		k = substr($i, 1, eq - 1); val = substr($i, eq + 1)
		gsub(/"/, "", val) # large numbers come quoted, as "1.04487e+06"
		if (k == "rpc") rpc = val
		else if (k == "type_name") type = val
		else if (k ~ /_ms$/) v[substr(k, 1, length(k) - 3)] = val / 1000
		else if (k == "bytes_in" || k == "bytes_out") v[k] = val / 1e6
	}
	key = rpc " " type
	if (!(key in calls)) order[++nkeys] = key
	calls[key]++
	for (c = 1; c <= ncols; c++) sum[key, cols[c]] += v[cols[c]]
	sum[key, "bytes_in"] += v["bytes_in"]; sum[key, "bytes_out"] += v["bytes_out"]
}
END {
	printf "%-6s %-22s %-26s %5s", "run", "rpc", "type", "calls"
	for (c = 1; c <= ncols; c++) printf " %9s", cols[c]
	printf " %8s %8s\n", "in(MB)", "out(MB)"
	for (n = 1; n <= nkeys; n++) {
		key = order[n]; split(key, kt, " ")
		if (sum[key, "total"] < 0.05) continue
		printf "%-6s %-22s %-26s %5d", LABEL, kt[1], kt[2], calls[key]
		for (c = 1; c <= ncols; c++) printf " %9.2f", sum[key, cols[c]]
		printf " %8.1f %8.1f\n", sum[key, "bytes_in"], sum[key, "bytes_out"]
	}
}
