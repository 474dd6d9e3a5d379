#!/bin/sh
# virt-platform-swap-hygiene: keeps a node that swaps VM memory responsive. Installed by the
# swap-hygiene MachineConfig (virt-platform-operator), run once per boot after the swap unit.
# Idempotent; never fails: whatever goes wrong, it says why in the journal and exits 0.
#   1. Watermarks sized to the node, so the kernel starts reclaiming (swapping) in the background
#      well before the kubelet's eviction threshold and before allocations stall in direct reclaim:
#      - vm.min_free_kbytes: 0.5 % of RAM, between 64 MiB and 1 GiB (never lowered);
#      - vm.watermark_scale_factor: a gap between the watermarks of eviction threshold (100 MiB,
#        OpenShift's memory.available default) + max(256 MiB, 1 % of RAM), in 1/10000 of RAM,
#        between 10 and 1000 (never lowered).
#   2. I/O-latency protection: for each disk that backs swap or the root filesystem, host
#      services (system.slice: the kubelet, CRI-O, sshd) get a 10 ms io.latency target and VM pods
#      (kubepods.slice) 50 ms, so swap traffic from VMs is throttled before it starves the host.
#      Runtime only (systemctl set-property --runtime): recomputed at every boot.
# VPS_ROOT prefixes /proc and /sys (tests run the script against a fake tree).
set -u

PROC=${VPS_ROOT:-}/proc
SYS=${VPS_ROOT:-}/sys
EVICTION_KIB=102400

say() { echo "virt-platform-swap-hygiene: $*" >&2; }

# Raises a sysctl under /proc/sys to at least the value (never lowers an admin's setting).
raise() {
  f="$PROC/sys/$1"
  cur=$(cat "$f" 2>/dev/null)
  case "$cur" in '' | *[!0-9]*) say "cannot read $1: skipped"; return 0 ;; esac
  if [ "$cur" -ge "$2" ]; then say "$1 is $cur (>= $2): kept"; return 0; fi
  if [ -f "$f" ] && echo "$2" > "$f" 2>/dev/null; then say "$1: $cur -> $2"; else say "cannot write $2 to $1"; fi
}

# The whole disks behind a block device (partition -> disk; device mapper -> its slaves); symlinks
# such as /dev/mapper/<name> or /dev/disk/by-*/ are resolved first.
disks_of() {
  d=$(basename "$(readlink -f "${VPS_ROOT:-}$1" 2>/dev/null || echo "$1")")
  depth=${2:-0}
  [ "$depth" -lt 8 ] || return 0
  b="$SYS/class/block/$d"
  [ -e "$b" ] || return 0
  if [ -d "$b/slaves" ] && [ -n "$(ls "$b/slaves" 2>/dev/null)" ]; then
    for s in $(ls "$b/slaves"); do disks_of "/dev/$s" $((depth + 1)); done
  elif [ -e "$b/partition" ]; then
    basename "$(dirname "$(readlink -f "$b")")"
  else
    echo "$d"
  fi
}

mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' "$PROC/meminfo" 2>/dev/null)
case "$mem_kib" in
  '' | *[!0-9]*) say "cannot read MemTotal from $PROC/meminfo: watermarks left as they are"; mem_kib=0 ;;
esac

if [ "$mem_kib" -gt 0 ]; then
  min_free=$((mem_kib / 200))
  [ "$min_free" -lt 65536 ] && min_free=65536
  [ "$min_free" -gt 1048576 ] && min_free=1048576
  raise vm/min_free_kbytes "$min_free"
  runway=$((mem_kib / 100))
  [ "$runway" -lt 262144 ] && runway=262144
  scale=$(((EVICTION_KIB + runway) * 10000 / mem_kib))
  [ "$scale" -lt 10 ] && scale=10
  [ "$scale" -gt 1000 ] && scale=1000
  raise vm/watermark_scale_factor "$scale"
fi

# Devices: active swap partitions and the filesystems that hold swap files or /.
devs=""
while read -r name type _; do
  case "$name" in Filename | /dev/zram*) continue ;; esac
  if [ "$type" = partition ]; then
    devs="$devs $name"
  else
    devs="$devs $(df -P "$name" 2>/dev/null | awk 'NR == 2 { print $1 }')"
  fi
done < "$PROC/swaps"
devs="$devs $(awk '$2 == "/" { print $1; exit }' "$PROC/mounts" 2>/dev/null)"

disks=""
for dev in $devs; do
  for disk in $(disks_of "$dev"); do
    case " $disks " in *" $disk "*) ;; *) disks="$disks $disk" ;; esac
  done
done
if [ -z "${disks# }" ]; then
  say "no disk found behind swap or /: no io.latency targets set"
  exit 0
fi
for disk in $disks; do
  timeout 30 systemctl set-property --runtime system.slice "IODeviceLatencyTargetSec=/dev/$disk 10ms" \
    && timeout 30 systemctl set-property --runtime kubepods.slice "IODeviceLatencyTargetSec=/dev/$disk 50ms" \
    && say "io.latency on /dev/$disk: host services 10 ms, VM pods 50 ms" \
    || say "could not set io.latency targets on /dev/$disk"
done
exit 0
