# The kernel's BTF describes each documented event as btf_trace_<event>,
# which is what the tools' tp_btf programs attach to: vmlinux's BTF when
# fuse is built in, the fuse module's own BTF when it is a module (as on
# a distribution kernel, and ours).
. "$(dirname "$0")/../lib/guest.sh"
[ -r /sys/kernel/btf/vmlinux ] || fail "/sys/kernel/btf/vmlinux missing: kernel built without BTF"
btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux format c) || fail "bpftool cannot read the kernel's BTF"
if [ -e /sys/module/fuse/initstate ]; then
	[ -r /sys/kernel/btf/fuse ] ||
		fail "fuse is a module without BTF: the kernel needs CONFIG_DEBUG_INFO_BTF_MODULES=y"
	mod=$(bpftool btf dump file /sys/kernel/btf/fuse format c) ||
		fail "bpftool cannot read the fuse module's BTF"
	btf+=$'\n'$mod
	echo "ok: fuse is a module with BTF of its own"
fi
while read -r event fields; do
	line=$(grep -E "^typedef void \(\*btf_trace_$event\)\(" <<<"$btf") ||
		fail "no btf_trace_$event in the kernel's BTF"
	echo "ok: $line"
done < <(doc_events)
