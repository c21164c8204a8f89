#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Benchmark: subdma against QEMU's other SCSI host adapters, same QEMU,
# same guest, same disk, one boot per adapter, repetitions interleaved.
#   run.sh full    128 MiB a workload, 3 repetitions; writes bench/results.md
#   run.sh smoke   a tiny run that checks the benchmark still works
# Guest instructions per command come from QEMU's instruction-counting
# plugin: two boots doing N and 2N commands, the difference over N.
# Every adapter also reads and writes through the block device from
# buffers below 16 MiB (the test helper of tests/e2e/lowmem), which subdma
# moves in place.
# Then subdma with the model's channel paced at an ISA bus's rate
# (BENCH_ISA_RATE_8 and BENCH_ISA_RATE_16 bytes/s, 1000000 and 2000000 by
# default): how much of the bus the driver keeps busy.
set -euo pipefail
# shellcheck source=../tests/lib/common.sh
. "$(dirname "$0")/../tests/lib/common.sh"
# shellcheck source=../tests/lib/guest.sh
. "$SUBDMA_TOP/tests/lib/guest.sh"

mode=${1:-full}
case $mode in
full) mib=${BENCH_MIB:-128} reps=${BENCH_REPS:-3} sizes=4096,65536,1048576 insn=512
	paced_mib=4 paced_sizes=65536,1048576 ;;
smoke) mib=1 reps=1 sizes=65536 insn=256 paced_mib=1 paced_sizes=65536 ;;
*) die "usage: $0 full|smoke" ;;
esac

make -s -C "$SUBDMA_TOP" modules 2> >(grep -v "Skipping BTF" >&2) >/dev/null
GUEST_QEMU=$("$SUBDMA_TOP/tests/qemu/build.sh")
plugin=$(dirname "$GUEST_QEMU")/plugins/libinsn.so
kernel_dir=$("$SUBDMA_TOP/tests/guest/kernel.sh")
SUBDMA_LOWMEM_DIR=$(SUBDMA_MODULE_SRC=$SUBDMA_TOP/tests/e2e/lowmem \
	"$SUBDMA_TOP/tests/guest/module.sh" 6.1 2>/dev/null) ||
	die "the test helper does not build (tests/guest/module.sh 6.1)"
export SUBDMA_LOWMEM_DIR
GUEST_KERNEL=$(echo "$kernel_dir"/boot/vmlinuz-*)
GUEST_INITRD=$("$SUBDMA_TOP/tests/e2e/image.sh" "$kernel_dir" \
	"$SUBDMA_TOP/bench/guest")
logs=$(guest_logs "bench-$mode")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# name|load subdma|host adapter: lsi53c895a is the reference
adapters=(
	"subdma 8-bit|1|subdma-isa,id=h,dma=1"
	"subdma 16-bit|1|subdma-isa,id=h,dma=5"
	"lsi53c895a|0|lsi53c895a,id=h"
	"am53c974|0|am53c974,id=h"
	"virtio-scsi|0|virtio-scsi-pci,id=h"
)

# boot NAME ADAPTER KERNEL-ARGS [QEMU-ARGS...]: a boot with that adapter
# and a new disk, its console on stdout; a guest that fails shows as
# missing lines, which the checks below count
boot() {
	local name=$1 subdma dev
	IFS='|' read -r _ subdma dev <<<"$2"
	rm -f "$work/disk.img"
	truncate -s 256M "$work/disk.img"
	SUBDMA_GUEST_TIMEOUT=900 guest_boot "$logs" "$name" \
		"e2e=bench bench_subdma=$subdma $3" -device "$dev" \
		-drive "if=none,id=d0,file=$work/disk.img,format=raw" \
		-device scsi-hd,bus=h.0,scsi-id=0,drive=d0 "${@:4}"
	guest_console "$logs" "$name"
}

log "benchmark ($mode): ${#adapters[@]} adapters, $reps repetitions, $mib MiB a workload"
for rep in $(seq "$reps"); do
	for a in "${adapters[@]}"; do
		name=${a%%|*}
		log "repetition $rep: $name"
		boot "run-$rep-${name// /-}" "$a" "bench_mib=$mib bench_sizes=$sizes" |
			sed -n "s/^BENCH /$rep|$name|/p" >>"$work/runs"
	done
done

# insns ADAPTER N: guest instructions of a boot that does N 64 KiB reads
insns() {
	local name=${1%%|*}
	# the last -d and -D win over the runner's own
	boot "insns-$2-${name// /-}" "$1" "bench_insn=$2" \
		-plugin "$plugin,inline=on" -d plugin -D "$work/plugin.log" >/dev/null
	sed -n 's/^insns: \([0-9]*\).*/\1/p' "$work/plugin.log" | tail -n 1
}
for a in "${adapters[@]}"; do
	name=${a%%|*}
	[ "$mode" = smoke ] && [ "$name" != "subdma 8-bit" ] && [ "$name" != lsi53c895a ] && continue
	log "instructions per command: $name"
	one=$(insns "$a" "$insn")
	two=$(insns "$a" $((2 * insn)))
	echo "$name|$(((two - one) / insn))" >>"$work/insns"
done

# subdma at the rate of a real ISA bus: name|load subdma|adapter|rate
rate8=${BENCH_ISA_RATE_8:-1000000} rate16=${BENCH_ISA_RATE_16:-2000000}
paced=(
	"subdma 8-bit|1|subdma-isa,id=h,dma=1,isa-rate=$rate8|$rate8"
	"subdma 16-bit|1|subdma-isa,id=h,dma=5,isa-rate=$rate16|$rate16"
)
touch "$work/paced"
for a in "${paced[@]}"; do
	name=${a%%|*} rate=${a##*|}
	log "at the ISA rate: $name, $rate bytes/s"
	boot "paced-${name// /-}" "${a%|*}" "bench_mib=$paced_mib bench_sizes=$paced_sizes" |
		sed -n "s/^BENCH /$name|$rate|/p" >>"$work/paced"
done
paced_report=$(awk -F'|' '
{
	split($3, f, " ")	# path op size bytes secs ...
	w = f[1] " " f[2] ", " f[3] / 1024 " KiB a command"
	if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
	if (!($1 in aseen)) { aseen[$1] = 1; anames[++na] = $1; rate[$1] = $2 }
	share[w "|" $1] = f[5] > 0 ? 100 * f[4] / f[5] / $2 : 0
	mbs[w "|" $1] = f[5] > 0 ? f[4] / f[5] / 1e6 : 0
}
END {
	printf "| workload |"
	for (a = 1; a <= na; a++) printf " %s at %.1f MB/s |", anames[a], rate[anames[a]] / 1e6
	printf "\n|---|"
	for (a = 1; a <= na; a++) printf "---|"
	printf "\n"
	for (i = 1; i <= nw; i++) {
		printf "| %s |", order[i]
		for (a = 1; a <= na; a++) {
			k = order[i] "|" anames[a]
			printf " %.2f MB/s, %.1f%% of the bus%s |", mbs[k], share[k],
				(share[k] >= 97 ? " (met)" : " (missed)")
		}
		printf "\n"
	}
}' "$work/paced")
echo "$paced_report"

# The table: medians with min and max, and the ratio to lsi53c895a
report=$(awk -F'|' -v sizes="$sizes" '
function fmt(x) { return sprintf("%.1f", x) }
function header(unit,   a) {
	printf "| workload |"
	for (a = 1; a <= na; a++) printf " %s %s |", anames[a], unit
	printf "\n|---|"
	for (a = 1; a <= na; a++) printf "---|"
	printf "\n"
}
function median(arr, key,   n, i, j, t, v) {
	n = split(arr[key], v, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
	lo[key] = v[1]; hi[key] = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
FILENAME ~ /insns$/ { ipc[$1] = $2; next }
{
	split($3, f, " ")	# path op size bytes secs cmds windows mapreg irqs
	w = f[1] " " f[2] " " f[3]
	if (!(w in seen)) { seen[w] = 1; order[++nw] = w }
	if (!($2 in aseen)) { aseen[$2] = 1; anames[++na] = $2 }
	mbs = f[5] > 0 ? f[4] / f[5] / 1e6 : 0
	vals[w "|" $2] = vals[w "|" $2] " " mbs
	cps[w "|" $2] = cps[w "|" $2] " " (f[5] > 0 ? f[4] / f[3] / f[5] : 0)
	if (f[6] > 0 && (f[3] == 65536 || f[3] == 1048576)) wsz[w "|" $2] = f[7] / f[6]
	if (f[1] == "low") { lowmap[$2] += f[8]; lowbytes[$2] += f[4] }
	else { mapreg[$2] += f[8]; bytes[$2] += f[4] }
	irq[$2] += f[9]; win[$2] += f[7]; allbytes[$2] += f[4]
}
END {
	header("MB/s")
	for (i = 1; i <= nw; i++) {
		w = order[i]; split(w, p, " ")
		ref = median(vals, w "|lsi53c895a")
		printf "| %s %s, %d KiB a command |", p[1], p[2], p[3] / 1024
		for (a = 1; a <= na; a++) {
			k = w "|" anames[a]; m = median(vals, k)
			printf " %s (%s-%s) %.2fx |", fmt(m), fmt(lo[k]), fmt(hi[k]), (ref > 0 ? m / ref : 0)
		}
		printf "\n"
	}
	printf "\n"
	header("commands/s")
	for (i = 1; i <= nw; i++) {
		w = order[i]; split(w, p, " ")
		printf "| %s %s, %d KiB a command |", p[1], p[2], p[3] / 1024
		for (a = 1; a <= na; a++) {
			printf " %.0f |", median(cps, w "|" anames[a])
		}
		printf "\n"
	}
	printf "\n| adapter | windows per command (64 KiB; 1 MiB) | interrupts per MiB | interrupts per window | bytes through map registers per byte (sg, blk) | bytes moved in place per byte (low) | guest instructions per 64 KiB read |\n|---|---|---|---|---|---|---|\n"
	for (a = 1; a <= na; a++) {
		n = anames[a]
		printf "| %s | %s; %s | %.1f | %s | %.2f | %s | %s |\n", n,
			wsz["sg read 65536|" n] != "" ? sprintf("%.2f", wsz["sg read 65536|" n]) : "-",
			wsz["sg read 1048576|" n] != "" ? sprintf("%.2f", wsz["sg read 1048576|" n]) : "-",
			allbytes[n] ? irq[n] / (allbytes[n] / 1048576) : 0,
			win[n] ? sprintf("%.3f", irq[n] / win[n]) : "-",
			bytes[n] ? mapreg[n] / bytes[n] : 0,
			n ~ /^subdma/ && lowbytes[n] ? sprintf("%.2f", 1 - lowmap[n] / lowbytes[n]) : "-",
			(n in ipc) ? ipc[n] : "-"
	}
	# the targets: against lsi53c895a, 1.0x up to 64 KiB, 0.75x at 1 MiB
	printf "\n| target | met | missed (ratio to lsi53c895a) |\n|---|---|---|\n"
	for (a = 1; a <= na; a++) {
		n = anames[a]
		if (n !~ /^subdma/) continue
		for (t = 1; t <= 2; t++) {
			met = 0; all = 0; missed = ""
			for (i = 1; i <= nw; i++) {
				w = order[i]; split(w, p, " ")
				if (p[1] == "low" || (t == 1) != (p[3] <= 65536)) continue
				goal = t == 1 ? 1.0 : 0.75
				ref = median(vals, w "|lsi53c895a")
				r = ref > 0 ? median(vals, w "|" n) / ref : 0
				all++
				if (r >= goal) met++
				else missed = missed sprintf("%s%s %s %d KiB %.2fx", missed == "" ? "" : ", ", p[1], p[2], p[3] / 1024, r)
			}
			if (all) printf "| %s >= %.2fx at %s, sg and blk |  %d of %d | %s |\n", n,
				t == 1 ? 1.0 : 0.75, t == 1 ? "4 and 64 KiB" : "1 MiB", met, all, missed == "" ? "-" : missed
		}
	}
}' "$work/runs" "$work/insns")
echo "$report"

# Checks that keep the benchmark honest in both modes
expected=$(( ${#adapters[@]} * reps * 6 * $(tr ',' '\n' <<<"$sizes" | wc -l) ))
got=$(wc -l <"$work/runs")
check_equal "every adapter ran every workload" "$expected" "$got"
zero=$(awk -F'|' '{ split($3, f, " "); if (f[5] <= 0) n++ } END { print n + 0 }' "$work/runs")
check_equal "every workload was timed" 0 "$zero"
# through map registers, the fewest windows the channel allows
bad=$(awk -F'|' '$2 ~ /^subdma/ { split($3, f, " "); page = ($2 ~ /16-bit/) ? 131072 : 65536;
	per = int((f[3] + page - 1) / page); if (!f[6] || f[7] > f[6] * per + per) n++ } END { print n + 0 }' "$work/runs")
check_equal "subdma windows per command at the minimum" 0 "$bad"
# buffers below 16 MiB in 128 KiB blocks: in place, on both widths
bad=$(awk -F'|' '$2 ~ /^subdma/ && $3 ~ /^low / { split($3, f, " "); if (f[8]) n++ } END { print n + 0 }' "$work/runs")
check_equal "subdma moved the buffers below 16 MiB in place" 0 "$bad"
ipc8=$(sed -n 's/^subdma 8-bit|//p' "$work/insns")
if [ "${ipc8:-0}" -gt 0 ]; then
	check_pass "guest instructions per command counted ($ipc8)"
else
	check_fail "guest instructions per command counted"
fi
expected=$(( ${#paced[@]} * 6 * $(tr ',' '\n' <<<"$paced_sizes" | wc -l) ))
check_equal "every workload ran at the ISA rate" "$expected" "$(wc -l <"$work/paced")"
# the channel never beats its rate (2% for the guest's clock against
# the emulator's)
fast=$(awk -F'|' '{ split($3, f, " "); if (f[5] <= 0 || f[4] > 1.02 * $2 * f[5]) n++ } END { print n + 0 }' "$work/paced")
check_equal "every workload at the ISA rate was timed and kept to the rate" 0 "$fast"

if [ "$mode" = full ] && [ "$checks_failed" -eq 0 ]; then
	{
		echo "# subdma benchmark"
		echo
		echo "Produced by \`make bench\` on $(date -u +%Y-%m-%d): $reps repetitions," \
			"interleaved, $mib MiB a workload, one boot per adapter a repetition;" \
			"medians with (min-max) and the ratio to lsi53c895a."
		echo
		echo "- QEMU: Debian's $(basename "$(dirname "$GUEST_QEMU")" | sed 's/^qemu-//; s/-[0-9a-f]*$//') with the project's patches, TCG, \`-m 512\`"
		echo "- guest kernel: Debian's $(basename "$kernel_dir" | sed 's/^kernel-//')"
		echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
		echo "- disk: a 256 MiB raw image, \`scsi-hd\`, 512-byte blocks; \`sg\` is \`sg_dd\` on /dev/sgN, \`blk\` is \`sg_dd\` with O_DIRECT on /dev/sdX, \`low\` is O_DIRECT on /dev/sdX from buffers below 16 MiB in 128 KiB blocks (the test helper's, 4 MiB a run, every read checked), which subdma moves in place"
		echo
		echo "$report"
		echo
		echo "At the rate of a real ISA bus (the model's isa-rate), $paced_mib MiB a workload:"
		echo
		echo "$paced_report"
		echo
		cat "$SUBDMA_TOP/bench/analysis.md" 2>/dev/null || true
	} >"$SUBDMA_TOP/bench/results.md"
	log "wrote bench/results.md"
fi
check_summary
