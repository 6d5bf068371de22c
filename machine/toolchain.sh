#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# machine/toolchain.sh ROOT CMD...: run CMD inside the build root ROOT (a
# Debian tree that workbench/kernel.py made with mmdebstrap, for kernels whose
# compiler the host lacks), in the current directory. The project's tree is
# bind-mounted at its own path inside ROOT, so every path means the same in
# and out; so is build/cache's real directory when build/cache is a link to
# one outside the tree (a second worktree sharing the first one's cache).
# The mounts live in a private mount namespace: they vanish with CMD,
# whatever way it ends.
set -euo pipefail

root=${1:?usage: machine/toolchain.sh ROOT CMD...}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
[ -d "$root$top" ] || { echo "toolchain: $root is not a build root" >&2; exit 1; }
cache=$(readlink -f "$top/build/cache")
case $cache in "$top"/*) cache= ;; *) mkdir -p "$root$cache" ;; esac

# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private -- /bin/bash -c '
	root=$1 top=$2 cache=$3 dir=$4
	shift 4
	mount --bind "$top" "$root$top"
	[ -z "$cache" ] || mount --bind "$cache" "$root$cache"
	mount -t proc proc "$root/proc"
	exec chroot "$root" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$dir" "$@"
' toolchain "$root" "$top" "$cache" "$PWD" "$@"
