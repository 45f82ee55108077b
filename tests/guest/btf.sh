# The kernel's BTF describes each documented event as btf_trace_<event>,
# which is what the tools' tp_btf programs attach to.
. "$(dirname "$0")/../lib/guest.sh"
[ -r /sys/kernel/btf/vmlinux ] || fail "/sys/kernel/btf/vmlinux missing: kernel built without BTF"
btf=$(bpftool btf dump file /sys/kernel/btf/vmlinux format c) || fail "bpftool cannot read the kernel's BTF"
while read -r event fields; do
	line=$(grep -E "^typedef void \(\*btf_trace_$event\)\(" <<<"$btf") ||
		fail "no btf_trace_$event in the kernel's BTF"
	echo "ok: $line"
done < <(doc_events)
