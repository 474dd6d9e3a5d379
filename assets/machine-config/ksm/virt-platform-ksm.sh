#!/bin/sh
# virt-platform-ksm: Kernel Samepage Merging limited to zero pages, with a scan rate that follows
# memory pressure. Installed by the ksm-zero-pages MachineConfigs (virt-platform-operator); run at
# boot and then every minute by virt-platform-ksm.timer. Idempotent; never fails: whatever goes
# wrong, it says why in the journal and exits 0 (nothing on the node depends on it).
#   - Only zero pages are merged: a guest's untouched (zeroed) memory is shared with the kernel's
#     zero page, and nothing else, so no guest memory content is deduplicated across VMs (no
#     page-sharing side channel). Without the zero-pages-only switch of the RHEL kernel the script
#     leaves KSM alone rather than merge everything.
#   - The scan rate follows memory pressure (MemAvailable / MemTotal): relaxed while memory is
#     plentiful, faster as it gets scarce.
# VPS_ROOT prefixes /proc and /sys (tests run the script against a fake tree).
set -u

KSM=${VPS_ROOT:-}/sys/kernel/mm/ksm
PROC=${VPS_ROOT:-}/proc

say() { echo "virt-platform-ksm: $*" >&2; }
done_() { say "$*"; exit 0; }

# Writes a value only when it differs (sysfs writes restart KSM's scan pass).
put() {
  [ "$(cat "$KSM/$1" 2>/dev/null)" = "$2" ] && return 0
  [ -f "$KSM/$1" ] && [ -w "$KSM/$1" ] || { say "$KSM/$1 is not writable: skipped"; return 1; }
  echo "$2" > "$KSM/$1" 2>/dev/null || { say "cannot write $2 to $KSM/$1"; return 1; }
}

[ -d "$KSM" ] || done_ "$KSM does not exist (kernel without KSM): nothing done"
# RHEL kernels (RHCOS): redhat_only_zero_pages=1 restricts merging to zero pages.
[ -e "$KSM/redhat_only_zero_pages" ] || done_ "this kernel cannot limit KSM to zero pages (no redhat_only_zero_pages): KSM left as it is"

total=$(awk '$1 == "MemTotal:" { print $2 }' "$PROC/meminfo" 2>/dev/null)
avail=$(awk '$1 == "MemAvailable:" { print $2 }' "$PROC/meminfo" 2>/dev/null)
case "$total$avail" in
  '' | *[!0-9]*) done_ "cannot read MemTotal/MemAvailable from $PROC/meminfo: KSM left as it is" ;;
esac
[ "$total" -gt 0 ] || done_ "MemTotal is 0: KSM left as it is"
free_pct=$((avail * 100 / total))

# pages_to_scan per wake-up, sleep between wake-ups (ms): 4 KiB pages per second =
# pages * 1000 / sleep.
if [ "$free_pct" -ge 50 ]; then
  pages=100; sleep_ms=200; band=relaxed      # 500 pages/s, ~2 MB/s
elif [ "$free_pct" -ge 20 ]; then
  pages=500; sleep_ms=50; band=moderate      # 10000 pages/s, ~40 MB/s
else
  pages=1000; sleep_ms=20; band=pressure     # 50000 pages/s, ~200 MB/s
fi

put redhat_only_zero_pages 1 || done_ "zero-pages-only mode could not be set: KSM not started"
[ -e "$KSM/use_zero_pages" ] && put use_zero_pages 1
put pages_to_scan "$pages"
put sleep_millisecs "$sleep_ms"
put run 1 || done_ "KSM could not be started"
done_ "zero pages only, $band scan ($pages pages every ${sleep_ms} ms; ${free_pct}% of memory available)"
