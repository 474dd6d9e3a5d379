#!/bin/sh
# virt-platform-swap: gives the node swap for VM memory overcommit, once, safely.
# Installed by the swap-enable-worker MachineConfig (virt-platform-operator) and run by
# virt-platform-swap.service before the kubelet. It never fails: whatever goes wrong, the node
# boots and the kubelet starts, without (new) swap, and the reason is in the journal.
#   - swap already active (pre-provisioned by the admin: partition, fstab, own unit): kept as is;
#   - a partition labelled OCPSWAP or /var/tmp/ocpswap.file (the Go autopilot's places): enabled;
#   - a swap file made earlier: enabled;
#   - otherwise a file of RAM x (OVERCOMMIT_PERCENT - 100) / 100 is made, only if the filesystem
#     keeps a fifth of its space free afterwards; a failed attempt leaves no partial file.
# Environment: OVERCOMMIT_PERCENT (101-9999), SWAPFILE (default /var/lib/virt-platform/swapfile).
# VPS_ROOT prefixes /proc and /sys (tests run the script against a fake tree).
set -u

SWAPFILE=${SWAPFILE:-/var/lib/virt-platform/swapfile}
PERCENT=${OVERCOMMIT_PERCENT:-}
PROC=${VPS_ROOT:-}/proc
SYS=${VPS_ROOT:-}/sys

say() { echo "virt-platform-swap: $*" >&2; }
done_() { say "$*"; exit 0; }

# LimitedSwap, the kubelet mode that gives swap to pods, works with cgroup v2 only.
[ -f "$SYS/fs/cgroup/cgroup.controllers" ] || done_ "cgroup v2 is not in use: no swap for pods, nothing done"

if [ "$(awk 'NR > 1' "$PROC/swaps" 2>/dev/null | wc -l)" -gt 0 ]; then
  done_ "swap is already active, kept as is: $(awk 'NR > 1 { printf "%s ", $1 }' "$PROC/swaps")"
fi

# Swap the Go autopilot's setup used (a partition labelled OCPSWAP, or /var/tmp/ocpswap.file) is
# pre-provisioned swap too: enabled as it is when present.
# Source: openshift-virtualization/virt-platform-autopilot assets/active/machine-config/01-swap-enable.yaml.tpl
for pre in "${VPS_ROOT:-}/dev/disk/by-partlabel/OCPSWAP" "${VPS_ROOT:-}/var/tmp/ocpswap.file"; do
  [ -e "$pre" ] && swapon "$pre" && done_ "enabled pre-provisioned swap $pre"
done

if [ -f "$SWAPFILE" ]; then
  swapon "$SWAPFILE" && done_ "enabled $SWAPFILE"
  say "$SWAPFILE could not be enabled; replacing it"
  rm -f "$SWAPFILE"
fi

case "$PERCENT" in
  '' | *[!0-9]*) done_ "OVERCOMMIT_PERCENT is not a number (\"$PERCENT\"): nothing done" ;;
esac
[ "$PERCENT" -gt 100 ] || done_ "memory is not overcommitted ($PERCENT%): nothing done"

mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' "$PROC/meminfo" 2>/dev/null)
case "$mem_kib" in
  '' | *[!0-9]*) done_ "cannot read MemTotal from $PROC/meminfo: nothing done" ;;
esac
size_kib=$((mem_kib * (PERCENT - 100) / 100))

dir=$(dirname "$SWAPFILE")
mkdir -p "$dir" || done_ "cannot create $dir: nothing done"
# df -P: "Filesystem 1024-blocks Used Available Capacity Mounted-on"
set -- $(df -Pk "$dir" 2>/dev/null | awk 'NR == 2 { print $2, $4 }')
total_kib=${1:-0}
avail_kib=${2:-0}
if [ $((avail_kib - size_kib)) -lt $((total_kib / 5)) ]; then
  done_ "not enough free space in $dir for ${size_kib} KiB of swap (${avail_kib} KiB available of ${total_kib}; a fifth must stay free): nothing done"
fi

partial="$SWAPFILE.partial"
rm -f "$partial"
if fallocate -l "${size_kib}K" "$partial" && chmod 600 "$partial" && mkswap "$partial" >/dev/null && mv "$partial" "$SWAPFILE"; then
  swapon "$SWAPFILE" && done_ "created and enabled $SWAPFILE (${size_kib} KiB)"
  done_ "created $SWAPFILE but could not enable it"
fi
rm -f "$partial"
done_ "could not create $SWAPFILE (${size_kib} KiB): nothing done"
