#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/completion-check.sh: userspace/mmiodemo.bash-completion
# completes what it should, from its own lists (the tool, an arm64
# binary, does not run here). Prints one line per wrong completion.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=userspace/mmiodemo.bash-completion
. "$top/userspace/mmiodemo.bash-completion"
[ "$(complete -p mmiodemo 2>/dev/null)" = "complete -F _mmiodemo mmiodemo" ] ||
	echo "the file does not register _mmiodemo for mmiodemo"

# expect "WORD..." "COMPLETIONS": the completions of the last WORD (an
# empty last WORD when the line ends with a space), as bash splits words
# with "=" in COMP_WORDBREAKS.
expect() {
	local line=$1 want=$2
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	# a path that does not run: the lists of the file, not the tool's help
	COMP_WORDS[0]=/nonexistent/mmiodemo
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mmiodemo
	[ "${COMPREPLY[*]}" = "$want" ] ||
		printf '[%s]: got "%s", want "%s"\n' "$line" "${COMPREPLY[*]}" "$want"
}

expect "mmiodemo " "info read write set clear modify dump dma fb stats maps irq watch"
expect "mmiodemo d" "dump dma"
expect "mmiodemo -" "-d --device -h --help"
expect "mmiodemo -d /dev/null " "info read write set clear modify dump dma fb stats maps irq watch"
expect "mmiodemo --device = /dev/null w" "write watch"
expect "mmiodemo dma " "fill verify dump load dirty runs sync"
expect "mmiodemo fb " "draw show off"
expect "mmiodemo irq " "wait held"
expect "mmiodemo dma -" "-h --help"
# registers by the access the command needs, in the case typed
expect "mmiodemo read " "DATA DIR IS IBE IEV IE RIS MIS AFSEL PERIPHID0 PERIPHID1 PERIPHID2 PERIPHID3 PCELLID0 PCELLID1 PCELLID2 PCELLID3"
expect "mmiodemo write I" "IS IBE IEV IE IC"
expect "mmiodemo set " "DATA DIR IS IBE IEV IE AFSEL"
expect "mmiodemo clear i" "is ibe iev ie"
expect "mmiodemo modify D" "DATA DIR"
expect "mmiodemo watch M" "MIS"
expect "mmiodemo read DIR " ""
expect "mmiodemo read 0x4" ""
# options and their values
expect "mmiodemo read DIR -" "-w --width --json -h --help"
expect "mmiodemo read DIR --width " "8 16 32"
expect "mmiodemo write --width = 1" "16"
expect "mmiodemo write --width = 16 " "DATA DIR IS IBE IEV IE IC AFSEL"
expect "mmiodemo dma sync -" "--for --offset --len -h --help"
expect "mmiodemo dma sync --for " "device cpu"
expect "mmiodemo dma sync --offset 0 --for c" "cpu"
expect "mmiodemo dma fill " "offset"
expect "mmiodemo fb draw " "gradient"
expect "mmiodemo fb draw --width " ""
expect "mmiodemo fb show -" "-w --width --height --stride --offset -h --help"
expect "mmiodemo irq wait -" "--timeout --unmask --json -h --help"
expect "mmiodemo maps -" "--json -h --help"
expect "mmiodemo -d /dev/nul" "/dev/null"

# Without "=" in COMP_WORDBREAKS: one word, completed whole.
COMP_WORDS=(/nonexistent/mmiodemo dma sync --for=d)
COMP_CWORD=3
_mmiodemo
[ "${COMPREPLY[*]}" = "--for=device" ] ||
	echo "[mmiodemo dma sync --for=d] (one word): got \"${COMPREPLY[*]}\", want \"--for=device\""
