#!/bin/sh
# virt-platform-thp: transparent huge pages for KVM guest memory. Installed by the thp-tuning
# MachineConfigs (virt-platform-operator), run once per boot. Idempotent; never fails: whatever
# goes wrong, it says why in the journal and exits 0.
#   - enabled=madvise: only memory that asks for huge pages gets them - QEMU marks guest RAM with
#     MADV_HUGEPAGE - while host services and containers keep 4 KiB pages (no memory bloat, no
#     latency spikes from compaction in unrelated processes).
#   - defrag=madvise: direct compaction only for those regions.
#   - khugepaged, which collapses guest memory back into huge pages (after KSM or balloon splits),
#     scans gently: at most 4096 pages per pass, one pass every 20 s on nodes up to 256 GiB of
#     RAM, faster on larger nodes so a full sweep stays within minutes (the kernel's default is
#     4096 pages every 10 s whatever the size, which on madvise-only hosts wakes for little).
# VPS_ROOT prefixes /proc and /sys (tests run the script against a fake tree).
set -u

THP=${VPS_ROOT:-}/sys/kernel/mm/transparent_hugepage
PROC=${VPS_ROOT:-}/proc

say() { echo "virt-platform-thp: $*" >&2; }

put() {
  # "always [madvise] never": the selected mode is the bracketed word.
  cur=$(sed -n 's/.*\[\([a-z+]*\)\].*/\1/p' "$1" 2>/dev/null)
  [ -n "$cur" ] || cur=$(cat "$1" 2>/dev/null)
  [ "$cur" = "$2" ] && return 0
  [ -f "$1" ] && [ -w "$1" ] || { say "$1 is not writable: skipped"; return 1; }
  echo "$2" > "$1" 2>/dev/null || { say "cannot write $2 to $1"; return 1; }
}

if [ ! -d "$THP" ]; then
  say "$THP does not exist (kernel without transparent huge pages): nothing done"
  exit 0
fi

mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' "$PROC/meminfo" 2>/dev/null)
case "$mem_kib" in
  '' | *[!0-9]*) mem_kib=0 ;;
esac
mem_gib=$((mem_kib / 1048576))
# 20 s up to 256 GiB; above, shorter in proportion, never below 5 s.
sleep_ms=20000
[ "$mem_gib" -gt 256 ] && sleep_ms=$((20000 * 256 / mem_gib))
[ "$sleep_ms" -lt 5000 ] && sleep_ms=5000

put "$THP/enabled" madvise
put "$THP/defrag" madvise
put "$THP/khugepaged/pages_to_scan" 4096
put "$THP/khugepaged/scan_sleep_millisecs" "$sleep_ms"
say "enabled=madvise defrag=madvise khugepaged: 4096 pages every ${sleep_ms} ms (${mem_gib} GiB of RAM)"
exit 0
