#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tool_test.sh: the mmiodemo tool against the real device, in the guest.
# Where the kernel cannot map the register block (16 KiB pages), the tool
# reaches registers through the register ioctls, and the same checks hold.
# Prints TAP like the selftests: output, exit status 0/1/2 and messages.
export TAP_PREFIX=tool.
# shellcheck source=tests/guest/tap.sh
. "$(dirname "$0")/tap.sh"

# A level-low interrupt on line 5, an input nothing drives.
level_irq() {
	mmiodemo write DIR 0xff && mmiodemo write DATA 0 &&
		mmiodemo write DIR 0 && mmiodemo write IS 0x20 &&
		mmiodemo write IEV 0 || return 1
	with_opened mmiodemo irq wait --timeout 5000 "$@"
	mmiodemo write IE 0x20
	wait "$bg"
	st=$?
	mmiodemo write IE 0 && mmiodemo write IS 0
	return $st
}
# The watch prints (and flushes) the first sample before the write.
watch_change() {
	mmiodemo write IEV 0 >/dev/null || return 1
	out=$(mktemp) || return 1
	mmiodemo watch IEV --interval 10 --count 1 "$@" >"$out" &
	bg=$!
	i=0
	until [ -s "$out" ] || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	mmiodemo write IEV 0x42
	wait "$bg"
	st=$?
	cat "$out"
	rm -f "$out"
	mmiodemo write IEV 0
	return $st
}

# The device loads the host's random file; the guest prints its SHA-256
# on the console for the host to compare with its own.
load_and_hash() {
	mmiodemo dma load opt/mmiodemo/random --offset 0x10000 &&
		mmiodemo dma sync --for cpu --offset 0x10000 --len 0x100000 ||
		return 1
	h=$(mmiodemo dma dump --offset 0x10000 --len 0x100000 | sha256sum)
	echo "mmiodemo-sha256: opt/mmiodemo/random ${h%% *}" | tee /dev/console
}

echo "TAP version 13"
echo "1..68"
check info_lists_the_register_region 0 \
	'region 0 "regs": offset 0x0, size 0x1000 .*caching device$' \
	mmiodemo info
check info_lists_the_dma_region 0 \
	'region 1 "dma": offset 0x[0-9a-f]+, size 0x200000 .*flags read,write,mmap,dirty-log, caching write-back$' \
	mmiodemo info
check dma_fill_then_verify_a_pattern 0 '^verified 8192 bytes$' \
	sh -c 'mmiodemo dma fill offset --offset 0x3000 --len 0x2000 &&
		mmiodemo dma verify offset --offset 0x3000 --len 0x2000'
check dma_verify_names_the_first_wrong_byte 1 \
	'byte at offset 0x3000 is 0x.., expected 0xee' \
	mmiodemo dma verify 0xee --offset 0x3000 --len 0x10
check dma_runs_tile_the_buffer_from_0 0 '^offset 0x0 len 0x[0-9a-f]+$' \
	sh -c 'mmiodemo dma runs | head -n 1'
check dma_runs_json_lists_the_runs 0 '^\[\{"offset": 0, "len": [0-9]+\}(, \{"offset": [0-9]+, "len": [0-9]+\})*\]$' \
	mmiodemo dma runs --json
check dma_dirty_lists_the_written_pages 0 '^dirty pages: 2$' \
	sh -c 'mmiodemo dma dirty >/dev/null && mmiodemo dma fill 7 --len 1 &&
		mmiodemo dma fill 7 --offset 0x5000 --len 1 && mmiodemo dma dirty'
check dma_sync_for_device_syncs_the_written_pages 0 \
	'^synced 1 pages for the device$' \
	sh -c 'mmiodemo dma sync >/dev/null && mmiodemo dma fill 9 --len 1 &&
		mmiodemo dma sync --for device'
ps=$(mmiodemo info | sed -n 's/^page size: \([0-9]*\).*/\1/p')
check dma_sync_for_cpu_syncs_the_range 0 '^synced 2 pages for the CPU$' \
	mmiodemo dma sync --for cpu --offset "$ps" --len $((2 * ps))
check dma_load_copies_the_whole_host_file 0 \
	"^loaded 1048576 bytes of 'opt/mmiodemo/random' at offset 0x10000$" \
	load_and_hash
check dma_load_of_an_unknown_file_names_it 1 "the device has no file 'nothing'" \
	mmiodemo dma load nothing
check dma_load_of_the_pattern_verifies 0 '^verified 65536 bytes$' \
	sh -c 'mmiodemo dma load opt/mmiodemo/pattern >/dev/null &&
		mmiodemo dma sync --for cpu >/dev/null &&
		mmiodemo dma verify offset --len 0x10000'
check dma_fill_outside_the_buffer_is_a_usage_error 2 'outside the DMA buffer' \
	mmiodemo dma fill 1 --offset 0x200000
# The counters only grow: a first touch of every page adds its faults.
faults_grow() {
	before=$(mmiodemo stats | sed -n 's/^faults //p')
	mmiodemo dma verify 0 --len 0 >/dev/null
	after=$(mmiodemo stats | sed -n 's/^faults //p')
	echo "faults grew by $((after - before))"
}
check stats_counts_faults 0 '^faults grew by [1-9][0-9]*$' faults_grow
check irq_wait_times_out_without_an_interrupt 1 'no interrupt within 100 ms' \
	mmiodemo irq wait --timeout 100
check irq_wait_reports_a_level_interrupt 0 \
	'^event seqno [0-9]+ lines 0x20 masked 0x20 at [0-9]+\.[0-9]{9}$' \
	level_irq
check watch_prints_a_register_change 0 '^[0-9]+\.[0-9]{3} IEV \(0x40c\) = 0x00000042$' \
	watch_change
check irq_wait_json_is_one_object 0 \
	'^\{"seqno": [0-9]+, "lines": 32, "masked": 32, "timestamp_ns": [0-9]+\}$' \
	level_irq --json
check watch_json_is_json_lines 0 \
	'^\{"time_ns": [0-9]+, "register": \{"name": "IEV", "offset": 1036, "width": 32, "value": 66\}\}$' \
	watch_change --json
# The audit lists a live mapping: a watch keeps the registers mapped.
audit_of_watch() {
	mmiodemo watch DIR --interval 10 --count 1 >/dev/null &
	sleep 1
	mmiodemo maps "$@"
	mmiodemo write DIR 1 >/dev/null
	wait
	mmiodemo write DIR 0 >/dev/null
}
if mmiodemo info | grep '"regs"' | grep -q mmap; then
	check maps_shows_a_register_page_as_device_ngnre 0 \
		'mmiodemo +regs +0x0 +0x[0-9a-f]+ +0 present Device-nGnRE +(read-only|writable) +- +Device-nGnRE' \
		audit_of_watch
	check maps_json_shows_the_same 0 '"type": "Device-nGnRE"' \
		audit_of_watch --json
else
	check maps_shows_the_table 0 'PID +COMM +REGION' mmiodemo maps
	check maps_json_shows_the_kernel_types 0 '"regs": "Device-nGnRE"' \
		mmiodemo maps --json
fi
# Without the audit's file, maps names what to load.
check maps_without_the_audit_says_to_load_it 1 \
	'mmiodemo-audit/maps does not exist: .*modprobe mmiodemo-audit' \
	env MMIODEMO_DEBUGFS=/proc/self mmiodemo maps
check read_by_name_at_8_bits 0 "^PERIPHID0 \\(0xfe0\\) = 0x61$" \
	mmiodemo read PERIPHID0 --width 8
check read_by_name_is_case_insensitive 0 '^PCELLID3 \(0xffc\) = 0x000000b1$' \
	mmiodemo read pcellid3
check read_by_offset_at_16_bits 0 '\(0xff8\) = 0x0005$' \
	mmiodemo read 0xff8 --width 16
check write_then_read_back 0 '^DIR \(0x400\) = 0x0000003c$' \
	sh -c 'mmiodemo write DIR 0x3c && mmiodemo read DIR'
check dump_shows_every_readable_register 0 'PCELLID3 \(0xffc\) = 0x000000b1' \
	mmiodemo dump
check unknown_register_is_a_usage_error 2 'NOPE' mmiodemo read NOPE
check writing_a_read_only_register_is_a_usage_error 2 'PERIPHID0' \
	mmiodemo write PERIPHID0 1
check bad_width_is_a_usage_error 2 '12' mmiodemo read DIR --width 12
check misaligned_offset_is_a_usage_error 2 '0x401' mmiodemo read 0x401
check value_too_wide_is_a_usage_error 2 '0x100' \
	mmiodemo write DIR 0x100 --width 8
check missing_device_is_a_failure 1 '/dev/nonexistent' \
	mmiodemo -d /dev/nonexistent info
# Read-modify-writes under the driver's lock (MMIODEMO_IOC_REG_UPDATE).
check set_sets_bits_and_prints_the_register 0 '^DIR \(0x400\) = 0x00000021$' \
	sh -c 'mmiodemo write DIR 0 && mmiodemo set DIR 0x21'
check clear_clears_bits 0 '^DIR \(0x400\) = 0x00000020$' \
	sh -c 'mmiodemo write DIR 0x21 && mmiodemo clear DIR 1'
check modify_sets_the_masked_bits 0 '^IEV \(0x40c\) = 0x00000053$' \
	sh -c 'mmiodemo write IEV 0x23 && mmiodemo modify IEV 0xf0 0x50 &&
		mmiodemo write IEV 0'
check set_of_a_read_only_register_is_a_usage_error 2 'RIS is read-only' \
	mmiodemo set RIS 1
check clear_of_a_write_only_register_is_a_usage_error 2 'IC is write-only' \
	mmiodemo clear IC 1
check modify_value_outside_mask_is_a_usage_error 2 'outside MASK' \
	mmiodemo modify DIR 0x0f 0x10
# Bits by line numbers and by the DT's gpio-line-names.
check set_by_line_numbers 0 '^DIR \(0x400\) = 0x00000028$' \
	sh -c 'mmiodemo write DIR 0 && mmiodemo set DIR 3,5'
check set_by_line_name 0 '^DIR \(0x400\) = 0x00000008$' \
	sh -c 'mmiodemo write DIR 0 && mmiodemo set DIR power-button'
check unknown_line_name_lists_the_names 2 "named 'nope'.*power-button" \
	mmiodemo set DIR nope
check line_names_on_a_register_without_lines_is_a_usage_error 2 'not a number' \
	mmiodemo set 0x800 power-button
check negative_value_says_negative 2 "value '-1' is negative" \
	mmiodemo write DIR -1
check unknown_register_lists_the_names 2 'the registers: DATA, DIR, IS' \
	mmiodemo read NOPE
# --json: one document per command; each check looks for a key.
check info_json_has_the_page_size 0 '^\{"page_size": [0-9]+, "regions": \[' \
	mmiodemo info --json
check read_json_has_the_value 0 '^\{"name": "DIR", "offset": 1024, "width": 32, "value": 60\}$' \
	sh -c 'mmiodemo write DIR 0x3c && mmiodemo read DIR --json'
check dump_json_lists_the_registers 0 '\{"name": "PCELLID3", "offset": 4092, "width": 32, "value": 177\}' \
	mmiodemo dump --json
check dma_dirty_json_lists_the_pages 0 '^\{"count": 2, "pages": \[0, 5\]\}$' \
	sh -c 'mmiodemo dma dirty >/dev/null && mmiodemo dma fill 7 --len 1 &&
		mmiodemo dma fill 7 --offset '"$((5 * ps))"' --len 1 &&
		mmiodemo dma dirty --json'
check stats_json_has_the_faults 0 '^\{"faults": [0-9]+, ' mmiodemo stats --json
check irq_held_says_none_when_gpiolib_holds_no_line 0 '^held 0x00$' \
	mmiodemo irq held
check irq_held_json_lists_no_line 0 '^\{"held": 0, "lines": \[\]\}$' \
	mmiodemo irq held --json
mmiodemo write DIR 0 >/dev/null
# Every command's JSON, one document a line, for the host to parse.
for cmd in info 'read DIR' dump 'dma dirty' 'dma runs' stats maps 'irq held'; do
	# shellcheck disable=SC2086 # cmd is a command and its arguments
	doc=$(mmiodemo $cmd --json | tr '\n' ' ')
	echo "mmiodemo-json: $cmd: $doc" >/dev/console
done
# And the JSON lines of watch (two samples) and irq wait (one event).
for fn in watch_change level_irq; do
	$fn --json | grep '^{' | while IFS= read -r line; do
		echo "mmiodemo-json: $fn: $line" >/dev/console
	done
done
# Usage errors exit 2 and touch no register: between these two marker
# writes to IEV, QEMU's trace must hold no pl061_read or pl061_write
# (host.usage_errors_make_no_register_access). The values are this
# window's own; no other test writes them.
mmiodemo write IEV 0x3b >/dev/null
check usage_no_command 2 'no command given' mmiodemo
check usage_unknown_command 2 "frob" mmiodemo frob
check usage_unknown_option 2 'bogus' mmiodemo read DIR --bogus
check usage_missing_value 2 'usage|VALUE' mmiodemo write DIR
check usage_unknown_register 2 'NOPE' mmiodemo read NOPE
check usage_read_only_register 2 'PERIPHID0' mmiodemo write PERIPHID0 0x1bad
check usage_bad_width 2 '12' mmiodemo write DIR 0x1bad --width 12
check usage_misaligned_offset 2 '0x402' mmiodemo write 0x402 0x1bad --width 32
check usage_value_too_wide 2 '0x1bad0' mmiodemo write DIR 0x1bad0 --width 16
check usage_negative_value 2 'negative' mmiodemo write DIR -0x1bad
check usage_set_read_only 2 'read-only' mmiodemo set RIS 0x1b
check usage_clear_write_only 2 'write-only' mmiodemo clear IC 0x1b
check usage_modify_outside_mask 2 'outside MASK' mmiodemo modify DIR 0x0f 0x7ea0
check usage_unknown_line_name 2 'nope' mmiodemo set DIR nope
check usage_width_on_modify 2 'only goes after read or write' mmiodemo modify DIR 0xff 0x1b --width 8
check usage_dma_outside_the_buffer 2 'outside' \
	mmiodemo dma fill 0x1b --offset 0x10000000
mmiodemo write IEV 0xc4 >/dev/null
mmiodemo write IEV 0 >/dev/null
tap_done
