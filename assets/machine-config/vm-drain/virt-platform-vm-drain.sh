#!/bin/sh
# virt-platform-vm-drain: moves VMs off a node that is shutting down, so an unplanned reboot does
# not hard-kill them. Installed by the vm-drain MachineConfigs (virt-platform-operator) and run by
# virt-platform-vm-drain.service. It never fails and never holds a shutdown longer than
# DRAIN_TIMEOUT (logind's InhibitDelayMaxSec bounds it too).
#   watch   (ExecStart) un-cordons the node if this script cordoned it before the last shutdown,
#           then holds a logind "delay" shutdown inhibitor and waits for PrepareForShutdown; on it,
#           drains, then releases the inhibitor so the shutdown goes on.
#   drain   (also ExecStop, for shutdowns that do not go through logind) cordons the node - noting
#           so in an annotation - asks the API server to evict each VM pod (KubeVirt turns the
#           eviction into a live migration, or a graceful shutdown for VMs that cannot migrate),
#           and waits until no VM pod runs here or DRAIN_TIMEOUT passes.
# It speaks to the API server as the node itself (the kubelet's kubeconfig and client
# certificate), which may cordon its own Node and evict its own pods.
# Environment: DRAIN_TIMEOUT (seconds, default 240), KUBECONFIG (default the kubelet's),
# POLL (seconds, default 5). VPS_ROOT prefixes the kubelet's files (tests use a fake tree).
set -u

ROOT=${VPS_ROOT:-}
KUBECONFIG=${KUBECONFIG:-$ROOT/var/lib/kubelet/kubeconfig}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-240}
POLL=${POLL:-5}
MARK=platform.kubevirt.io~1vm-drain-cordoned
TMP=${TMPDIR:-/tmp}/virt-platform-vm-drain.$$
trap 'rm -rf "$TMP"' EXIT

say() { echo "virt-platform-vm-drain: $*" >&2; }
case "$DRAIN_TIMEOUT$POLL" in '' | *[!0-9]*) say "DRAIN_TIMEOUT and POLL must be whole seconds"; exit 0 ;; esac

# The API server, CA and client certificate from the kubelet's kubeconfig; the node name from the
# certificate (CN=system:node:<name>). Returns 1 when any is missing.
api_setup() {
  [ -r "$KUBECONFIG" ] || { say "no kubeconfig at $KUBECONFIG"; return 1; }
  mkdir -p "$TMP" || return 1
  field() { sed -n "s/^[[:space:]]*$1:[[:space:]]*//p" "$KUBECONFIG" | head -n 1 | tr -d '"'; }
  SERVER=$(field server)
  CERT=$(field client-certificate)
  KEY=$(field client-key)
  CA=$(field certificate-authority)
  ca_data=$(field certificate-authority-data)
  if [ -n "$ca_data" ]; then
    echo "$ca_data" | base64 -d > "$TMP/ca.crt" 2>/dev/null || { say "cannot decode the kubeconfig's CA"; return 1; }
    CA=$TMP/ca.crt
  fi
  case "$CERT" in /*) CERT=$ROOT$CERT ;; esac
  case "$KEY" in /*) KEY=$ROOT$KEY ;; esac
  case "$CA" in "$TMP"/*) ;; /*) CA=$ROOT$CA ;; esac
  [ -n "$SERVER" ] && [ -r "$CERT" ] && [ -r "$KEY" ] && [ -r "$CA" ] || { say "the kubeconfig lacks a server, CA or client certificate"; return 1; }
  NODE=$(openssl x509 -noout -subject -in "$CERT" 2>/dev/null | sed -n 's/.*CN *= *system:node:\([^,/ ]*\).*/\1/p')
  [ -n "$NODE" ] || { say "cannot read the node name from $CERT"; return 1; }
}

# api METHOD PATH [JSON]: the response body on stdout; fails on HTTP errors and after 10 s.
api() {
  curl -sS --fail --max-time 10 --cacert "$CA" --cert "$CERT" --key "$KEY" -X "$1" \
    -H 'Content-Type: application/merge-patch+json' -H 'Accept: application/json' \
    ${3:+--data "$3"} "$SERVER$2"
}

# VM pods running on this node, as namespace/name (the NAME and NAMESPACE columns of crictl).
vm_pods() {
  timeout 10 crictl pods --label kubevirt.io=virt-launcher --state ready 2>/dev/null | awk '
    NR == 1 { n = index($0, "NAME"); ns = index($0, "NAMESPACE"); a = index($0, "ATTEMPT"); next }
    n > 0 && ns > n && a > ns { name = substr($0, n, ns - n); space = substr($0, ns, a - ns); gsub(/ /, "", name); gsub(/ /, "", space); if (name != "") print space "/" name }'
}

drain() {
  api_setup || { say "cannot reach the API server: VMs are left to the normal shutdown"; return 0; }
  node_json=$(api GET "/api/v1/nodes/$NODE") || { say "cannot read Node $NODE: VMs are left to the normal shutdown"; return 0; }
  if echo "$node_json" | grep -q '"unschedulable": *true'; then
    say "node $NODE is already cordoned"
  elif api PATCH "/api/v1/nodes/$NODE" '{"metadata":{"annotations":{"platform.kubevirt.io/vm-drain-cordoned":"true"}},"spec":{"unschedulable":true}}' >/dev/null; then
    say "cordoned node $NODE"
  else
    say "could not cordon node $NODE; evicting anyway"
  fi
  deadline=$(($(date +%s) + DRAIN_TIMEOUT))
  while :; do
    pods=$(vm_pods)
    [ -z "$pods" ] && { say "no VM runs on $NODE any more"; return 0; }
    [ "$(date +%s)" -ge "$deadline" ] && { say "gave up after ${DRAIN_TIMEOUT} s; still running: $(echo $pods)"; return 0; }
    for p in $pods; do
      ns=${p%%/*}; name=${p#*/}
      # 429 (KubeVirt started a live migration, or a disruption budget) is expected: retried next round.
      api POST "/api/v1/namespaces/$ns/pods/$name/eviction" \
        "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"$name\",\"namespace\":\"$ns\"}}" >/dev/null 2>&1 \
        && say "evicted $p"
    done
    sleep "$POLL"
  done
}

# After boot: lift the cordon this script set before the shutdown (never one set by someone else).
uncordon_if_ours() {
  tries=0
  while [ "$tries" -lt 30 ]; do
    tries=$((tries + 1))
    if api_setup 2>/dev/null && node_json=$(api GET "/api/v1/nodes/$NODE" 2>/dev/null); then
      echo "$node_json" | grep -q '"platform.kubevirt.io/vm-drain-cordoned": *"true"' || return 0
      api PATCH "/api/v1/nodes/$NODE" '{"metadata":{"annotations":{"platform.kubevirt.io/vm-drain-cordoned":null}},"spec":{"unschedulable":false}}' >/dev/null \
        && { say "un-cordoned node $NODE (cordoned by this script before the last shutdown)"; return 0; }
    fi
    sleep "$POLL"
  done
  say "could not reach the API server to un-cordon; the node keeps the platform.kubevirt.io/vm-drain-cordoned annotation"
}

# Reads logind's signals until PrepareForShutdown(true), drains, then stops the monitor so the
# inhibitor is released at once.
wait_for_shutdown() {
  mkdir -p "$TMP" && mkfifo "$TMP/signals" || { say "cannot create a fifo in $TMP"; return 0; }
  gdbus monitor --system --dest org.freedesktop.login1 --object-path /org/freedesktop/login1 > "$TMP/signals" 2>/dev/null &
  monitor=$!
  while read -r line; do
    case "$line" in
      *PrepareForShutdown*true*) say "shutdown requested: draining"; drain; break ;;
    esac
  done < "$TMP/signals"
  kill "$monitor" 2>/dev/null
}

case "${1:-}" in
  watch)
    uncordon_if_ours &
    if command -v systemd-inhibit >/dev/null 2>&1 && command -v gdbus >/dev/null 2>&1; then
      systemd-inhibit --what=shutdown --mode=delay --who=virt-platform-vm-drain \
        --why="moving VMs off the node before it shuts down" /bin/sh "$0" wait-for-shutdown \
        || say "could not hold a shutdown inhibitor; the drain runs when the service stops"
    else
      say "systemd-inhibit or gdbus missing; the drain runs when the service stops"
    fi
    wait
    ;;
  wait-for-shutdown) wait_for_shutdown ;;
  drain) drain ;;
  *) say "usage: $0 watch|drain" ;;
esac
exit 0
