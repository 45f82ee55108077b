# make bench, in the guest: what watching the DAX pool costs with each
# tracer, what the BPF programs cost per event, how fast and how big the
# tools are at start, and how throughput falls off as the window shrinks.
# Raw results only (CSV and JSON in $DAXMON_OUT); tests/bench/report
# turns them into docs/benchmarks.md and the plots.
#
# BENCH_MODE=quick (from the kernel command line) runs every part once
# and small: it proves the harness works, its numbers mean nothing.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/daxfs.sh"
tools=$build/tools
res=$work
mode=${BENCH_MODE:-full}
[ -n "${BENCH_XTRACE:-}" ] && set -x
tmp=/tmp/bench
mkdir -p "$tmp"

if [ "$mode" = quick ]; then
	reps=1 runtime=1
	cost_workloads="randread mmap-randread"
	cost_sizes="2"
	cliff_patterns="seq-read rand-read"
	cliff_fractions="0.25 1"
	reclaim_reps=2 reclaim_reads=2000
	reclaim_cases="zipf:1.1 seq"
	reclaim_fractions="1"
	# two rounds of reclaim and size: one in each lane (tests/bench/run)
	size_reps=2 size_cases="zipf:1.1 rand-read" size_policies=lfu
	size_windows="16 64" size_reads=2000 size_loops=1
	share_reps=1 share_mib=4
else
	reps=5 runtime=2
	cost_workloads="randread randwrite mmap-randread seqread"
	cost_sizes="2 4"
	cliff_patterns="seq-read seq-write rand-read rand-write"
	cliff_fractions="0.125 0.25 0.5 1 2"
	reclaim_reps=3 reclaim_reads=20000
	reclaim_cases="zipf:0.8 zipf:1.1 uniform seq large:zipf:1.1"
	reclaim_fractions="0.5 1 2"
	size_reps=2 size_cases="seq-read seq-write rand-read rand-write zipf:0.8 zipf:1.1 mixed"
	size_policies="lfu fifo" size_windows="16 64 128" size_reads=10000 size_loops=2
	share_reps=4 share_mib=16
fi
# BENCH_PARTS (tests/bench/run --parts): the parts to run, all by default
# but share, which tests/bench/run asks for in an -icount boot
parts=${BENCH_PARTS:-cost,per_event,startup,cliff,reclaim,size}
parts=${parts//,/ }
# BENCH_ROUNDS (tests/bench/run): odd or even, when the reclaim and size
# parts' rounds are shared between two boots side by side; all by default
rounds=${BENCH_ROUNDS:-all}
# this_round N: whether this boot runs round N of a shared part
this_round() {
	case $rounds in
	odd) [ $(($1 % 2)) = 1 ] ;;
	even) [ $(($1 % 2)) = 0 ] ;;
	*) true ;;
	esac
}
tracers="none tracefs dax-lat dax-top dax-stat bpftrace perf trace-cmd"
share_tracers=$tracers
window_mib=32		# /dev/pmem0: the window of the cost runs
working_set_mib=32	# the cliff's file; its windows are other pmem regions
large_window_mib=128	# the reclaim part's larger pool: 64 ranges
policies="fifo lfu"	# fuse's dax_reclaim: upstream's first, then ours
perf=$(command -v perf)
bt=$repo/tests/bench/dax-lat.bt
bcc_tool=/usr/sbin/funclatency-bpfcc
bcc_function=fuse_setup_one_mapping
libbpf_tool=/usr/sbin/funclatency	# libbpf-tools: the C peer of a kprobe
# ... and of a CO-RE tracepoint tool like ours: tp_btf, the kernel's BTF
libbpf_tp_tool=/usr/sbin/runqlat

log() { echo "bench: $(date +%T) $*"; }
now_ns() { date +%s%N; }

# /dev/pmemN of SIZE MiB (run-guest -m makes one region of each size)
pmem_of() {
	local dev
	for dev in /sys/block/pmem*; do
		[ "$(cat "$dev/size")" = $(($1 * 2048)) ] && { echo "/dev/${dev##*/}"; return; }
	done
	fail "no pmem device of $1 MiB (run-guest -m)"
}

# fio_kib_s FILE RW ENGINE BS: one job of fio_jobs, its KiB/s
fio_kib_s() {
	fio_jobs "" "job:$1:$2:$3:$4" > "$tmp/one.out" && cut -d' ' -f2 "$tmp/one.out"
}

# fio_jobs POSTRUN JOB...: one fio process runs the jobs one after the
# other (stonewall), which spares the seconds fio takes to start under
# TCG; the window is emptied before the first.  JOB is
# NAME:FILE:RW:ENGINE:BS; POSTRUN (or "") runs after each job with the
# job's name.  Prints "NAME KiB/s" per job.
fio_jobs() {
	local post=$1 spec name file rw engine bs json
	shift
	{
		# fio_length: how long each job runs (fio_count_jobs), else a time
		printf '[global]\n%b\nnorandommap\nrandrepeat=1\n' \
			"${fio_length:-time_based\nruntime=$runtime}"
		printf 'invalidate=0\nstonewall\n'
		for spec in "$@"; do
			IFS=: read -r name file rw engine bs <<<"$spec"
			printf '[%s]\nfilename=%s\nrw=%s\nioengine=%s\nbs=%s\n' \
				"$name" "$file" "$rw" "$engine" "$bs"
			[ -z "$post" ] || printf 'exec_postrun=%s %s\n' "$post" "$name"
		done
	} > "$tmp/jobs.fio"
	echo 2 > /proc/sys/vm/drop_caches
	# in $tmp: fio leaves each exec_postrun's output in NAME.postrun.txt
	(cd "$tmp" && fio --output-format=json --output=fio.json --eta=never jobs.fio) ||
		fail "fio failed: $(tail -3 "$tmp/fio.json")"
	jq -r '.jobs[] | "\(.jobname) \(.read.bw + .write.bw)"' "$tmp/fio.json"
}

# fio_each POSTRUN JOB...: fio_jobs with one job per fio process, each
# from an empty window.  The cliff's patterns share one file: run one
# after the other, each began with the ranges the one before left (a
# reader met a writer's dirty, mapped ranges, whose reclaim takes
# longer), so its figures were partly the other pattern's.  Dropping the
# caches does not always empty it (the file's inode stays now and then:
# lfu's rand-read once set up none of the ranges seq-read had left), so
# each job after the first on a mount gets a mount of its own.
fio_each() {
	local post=$1 spec
	shift
	for spec in "$@"; do
		empty_window
		fio_jobs "$post" "$spec"
		window_used=1
	done
}

# The cost workloads: fio arguments after FILE
workload_args() {
	case $1 in
	randread)	echo randread psync 4k ;;
	randwrite)	echo randwrite psync 4k ;;
	mmap-randread)	echo randread mmap 4k ;;
	seqread)	echo read psync 64k ;;
	*) fail "unknown workload $1" ;;
	esac
}

# The cliff patterns: through mmap, where faults wait for ranges
pattern_args() {
	case $1 in
	seq-read)	echo read mmap 64k ;;
	seq-write)	echo write mmap 64k ;;
	rand-read)	echo randread mmap 4k ;;
	rand-write)	echo randwrite mmap 4k ;;
	*) fail "unknown pattern $1" ;;
	esac
}

# stop_ready PID NAME [SIGNAL [AGAIN]]: ^C (or SIGNAL, sent again every
# AGAIN seconds), and wait for it to
# finish cleanly: 0, or 128 + the signal as a shell would report it.
# bcc's Python tools need SIGTERM: a background job of a script starts
# with SIGINT ignored, and Python then never turns it into
# KeyboardInterrupt.
stop_ready() {
	local rc=0 sig=${3:-INT}
	stop_tool "$1" "$sig" "${4:-}" || rc=$?
	[ $rc = 0 ] || [ $rc = $((128 + $(kill -l "$sig"))) ] ||
		fail "$2 exited $rc on SIG$sig: $(tail -3 "$tmp/$2.log")"
}

# dax_events 0|1: the fuse_dax events of the top trace instance off/on
dax_events() {
	local e
	for e in "$tracefs"/events/fuse/fuse_dax_*/enable; do echo "$1" > "$e"; done
}

# start_scraper: a Prometheus scraping dax-stat every second: one curl
# for the whole run, whose start-up (seconds under TCG) is over once the
# first scrape answered (-w to stderr: unbuffered), reading each answer
# in large reads as a real scraper does (bash's /dev/tcp reads a socket
# one byte per read(2): 17,000 system calls a scrape).  tool_pid stays
# dax-stat's; scraper is curl's.
start_scraper() {
	local stat_pid=$tool_pid
	start_ready '^200$' "$tmp/scrapes.log" curl -s -o /dev/null -w '%{stderr}%{http_code}\n' \
		--rate 1/s "http://127.0.0.1:9465/metrics?[1-100000]" || return 1
	scraper=$tool_pid
	tool_pid=$stat_pid
}

# tracer_start NAME: attach NAME and return once it sees events.
# tracer_stop: detach it, waiting for its last output.
tracer_start() {
	tracer=$1
	tracer_pid=
	scraper=
	stop_signal=INT
	stop_again=
	local log=$tmp/$tracer.log
	case $tracer in
	none) ;;
	tracefs)
		echo > "$tracefs/trace"
		dax_events 1 ;;
	dax-lat)
		start_ready ': attached \(' "$log" "$tools/dax-lat" ;;
	dax-top)
		start_ready ': attached \(' "$log" "$tools/dax-top" -b 1 ;;
	dax-stat)
		# (no_scraper: the start-up part times dax-stat, not curl)
		start_ready ': attached \(' "$log" "$tools/dax-stat" --listen 127.0.0.1:9465 &&
		{ [ -n "${no_scraper:-}" ] || start_scraper; } ;;
	dax-size)
		start_ready ': attached \(' "$log" "$tools/dax-size" --json ;;
	dax-stat-fentry|dax-stat-kprobe)
		# the function probes of kernels without the events, on this
		# one: what they cost next to the tracepoints (part 2 only)
		start_ready ': attached \(' "$log" "$tools/dax-stat" \
			--attach="${tracer#dax-stat-}" --json 1 ;;
	bpftrace)
		# bpftrace 0.17 runs BEGIN before it attaches the tracepoints,
		# and a SIGINT that arrives while it attaches them is lost: it
		# then polls forever.  The line this variable asks for comes
		# once every probe is attached (bpftrace's own tests wait for
		# it), so the workload and ^C both come after it.
		# It also loses a SIGINT that lands between two of its
		# epoll_wait()s (a timed-out one returns 0 and the loop never
		# looks at the flag; fixed in bpftrace 0.18): a guest busy
		# with fio leaves it runnable there for milliseconds, and CI
		# saw it ignore ^C twice.  ^C again every 10 s, as a user would.
		start_ready '^__BPFTRACE_NOTIFY_PROBES_ATTACHED$' "$log" \
			env __BPFTRACE_NOTIFY_PROBES_ATTACHED=1 stdbuf -oL bpftrace "$bt" &&
		stop_again=10 ;;
	bcc-funclatency)
		start_ready '^Tracing ' "$log" env PYTHONUNBUFFERED=1 "$bcc_tool" "$bcc_function"
		stop_signal=TERM ;;
	libbpf-funclatency)
		# its stdout is a pipe here: line-buffered, or "Tracing" waits
		start_ready '^Tracing ' "$log" stdbuf -oL "$libbpf_tool" "$bcc_function" ;;
	libbpf-runqlat)
		start_ready '^Tracing ' "$log" stdbuf -oL "$libbpf_tp_tool" ;;
	perf)
		# events disabled until perf acknowledges "enable" on its
		# control fifo: then it records
		rm -f "$tmp/perf.ctl" "$tmp/perf.ack"
		mkfifo "$tmp/perf.ctl" "$tmp/perf.ack"
		"$perf" record -q -a -e 'fuse:fuse_dax_*' -o "$tmp/perf.data" -D -1 \
			--control "fifo:$tmp/perf.ctl,$tmp/perf.ack" > "$log" 2>&1 &
		tool_pid=$!
		echo enable > "$tmp/perf.ctl"
		read -r ack < "$tmp/perf.ack"
		[ "$ack" = ack ] || fail "perf did not start: $(tail -3 "$log")" ;;
	trace-cmd)
		start_ready 'Hit Ctrl\^C to stop recording' "$log" \
			stdbuf -oL trace-cmd record -e 'fuse:fuse_dax_*' -o "$tmp/trace.dat" ;;
	*) fail "unknown tracer $tracer" ;;
	esac || fail "$tracer did not attach"
	case $tracer in none|tracefs) ;; *) tracer_pid=$tool_pid ;; esac
}

tracer_stop() {
	[ -n "$scraper" ] && { kill "$scraper"; wait "$scraper" 2>/dev/null; }
	case $tracer in
	none) ;;
	tracefs) dax_events 0 ;;
	*)	stop_ready "$tracer_pid" "$tracer" "$stop_signal" "$stop_again" ;;
	esac
	rm -f "$tmp/perf.data" "$tmp/trace.dat"*
}

# Part 1: throughput of each workload under each tracer, in rounds; each
# round visits the tracers in a rotated order so drift over the boot is
# spread over all of them.
bench_cost() {
	local rep i n t w size rw engine bs kib order job jobs
	echo "rep,tracer,workload,file_mib,window_mib,kib_per_s" > "$res/cost.csv"
	set -- $tracers
	n=$#
	for rep in $(seq 1 $reps); do
		order=()
		for i in $(seq 0 $((n - 1))); do
			order+=("$(echo $tracers | cut -d' ' -f$(( (i + rep - 1) % n + 1 )))")
		done
		for t in "${order[@]}"; do
			log "cost round $rep: $t"
			tracer_start "$t"
			jobs=()
			for w in $cost_workloads; do
				read -r rw engine bs <<<"$(workload_args "$w")"
				for size in $cost_sizes; do
					jobs+=("$w.$size:/tmp/mnt/cost.$size:$rw:$engine:$bs")
				done
			done
			fio_jobs "" "${jobs[@]}" > "$tmp/fio.out"
			while read -r job kib; do
				echo "$rep,$t,${job%.*},$(( ${job##*.} * window_mib )),$window_mib,$kib" >> "$res/cost.csv"
			done < "$tmp/fio.out"
			tracer_stop
		done
	done
}

# Part 2: what each BPF program costs per run (kernel.bpf_stats_enabled),
# for our tools, dax-stat's fentry and kprobe modes and the bpftrace
# script, under the same workload; dax-size's recording against dax-lat.
bench_per_event() {
	local rep t rw engine bs
	sysctl -qw kernel.bpf_stats_enabled=1
	read -r rw engine bs <<<"$(workload_args mmap-randread)"
	for rep in $(seq 1 $reps); do
		for t in dax-lat dax-stat dax-top dax-stat-fentry dax-stat-kprobe bpftrace dax-size; do
			log "per-event round $rep: $t"
			tracer_start "$t"
			fio_kib_s "/tmp/mnt/cost.${cost_sizes##* }" "$rw" "$engine" "$bs" > /dev/null
			bpftool prog show --json > "$res/progs.$t.$rep.json"
			tracer_stop
		done
	done
	sysctl -qw kernel.bpf_stats_enabled=0
}

# Part 3: time from exec to attached, and peak RSS after a workload, of
# our tools and their libbpf-tools, bpftrace and bcc counterparts; and
# where our tools' start-up goes (DAXMON_STARTUP: ms since exec at the
# end of each step, tools/lib/attach.c).
bench_startup() {
	local rep t start ms rss rw engine bs steps
	echo "rep,tool,attach_ms,peak_rss_kib" > "$res/startup.csv"
	echo "rep,tool,step,ms" > "$res/startup-steps.csv"
	read -r rw engine bs <<<"$(workload_args mmap-randread)"
	export DAXMON_STARTUP=1
	for rep in $(seq 1 $reps); do
		for t in dax-lat dax-top dax-stat dax-size libbpf-funclatency libbpf-runqlat bpftrace bcc-funclatency; do
			log "start-up round $rep: $t"
			start=$(now_ns)
			no_scraper=1 tracer_start "$t"
			ms=$(( ($(now_ns) - start) / 1000000 ))
			fio_kib_s "/tmp/mnt/cost.${cost_sizes%% *}" "$rw" "$engine" "$bs" > /dev/null
			rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$tracer_pid/status")
			tracer_stop
			echo "$rep,$t,$ms,$rss" >> "$res/startup.csv"
			steps=$(sed -n 's/^[a-z-]*: start-up ms: //p' "$tmp/$t.log")
			[ -n "$steps" ] || case $t in dax-*) fail "$t gave no start-up steps";; esac
			set -- $steps
			while [ $# -ge 2 ]; do
				echo "$rep,$t,$1,$2" >> "$res/startup-steps.csv"
				shift 2
			done
		done
	done
	unset DAXMON_STARTUP
}

# proc_cpu_ns PID: the process's user + system time so far, all its
# threads (/proc/PID/stat fields 14 and 15, clock ticks)
proc_cpu_ns() {
	local hz
	hz=$(getconf CLK_TCK)
	awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%.0f\n", ($12 + $13) * 1e9 / hz }' \
		"/proc/$1/stat"
}

# prog_ids: the ids of the BPF programs loaded now, one per line, sorted
# as comm(1) wants them
prog_ids() { bpftool prog show --json | jq -r '.[].id' | sort; }

# bpf_time IDS...: run_time_ns and run_cnt summed over those programs
bpf_time() {
	bpftool prog show --json |
		jq -r --arg ids "$*" '($ids | split(" ") | map(select(length > 0) | tonumber)) as $mine |
			[.[] | select(.id as $i | $mine | index($i))] |
			"\(map(.run_time_ns // 0) | add // 0) \(map(.run_cnt // 0) | add // 0)"'
}

# Part 7, in a boot of its own under -icount (tests/bench/run): guest
# time counts instructions, so host load moves none of these figures.
# What each tracer adds to the CPU, against the workload's: per round
# and tracer, a fixed amount of mmap random reads over a file 4x the
# window (reclaim all the time) and
#   the fio job's own CPU time (user + system, fio's rusage) and run time;
#   the server's CPU time meanwhile (daxfsd: a VMM's work, done in the
#   guest here: docs/window.md);
#   the tracer's BPF programs' run time and runs (bpf_stats, the programs
#   it loaded), which come with the events;
#   the tracer process's CPU time and the time it was measured over
#   (/proc/PID/stat), which comes with the seconds (its interval).
bench_share() {
	local rep i n t rw engine bs before ids bpf0 bpf1 proc0 proc1 srv0 srv1 t0 job
	sysctl -qw kernel.bpf_stats_enabled=1
	echo "rep,tracer,workload_cpu_ns,workload_ns,server_cpu_ns,bpf_ns,bpf_runs,tracer_cpu_ns,window_ns" \
		> "$res/share.csv"
	read -r rw engine bs <<<"$(workload_args mmap-randread)"
	set -- $share_tracers
	n=$#
	for rep in $(seq 1 $share_reps); do
		for i in $(seq 0 $((n - 1))); do
			t=$(echo $share_tracers | cut -d' ' -f$(( (i + rep - 1) % n + 1 )))
			log "share round $rep: $t"
			before=$(prog_ids)
			tracer_start "$t"
			ids=$(comm -13 <(echo "$before") <(prog_ids) | tr '\n' ' ')
			bpf0=$(bpf_time $ids)
			proc0=0
			[ -z "$tracer_pid" ] || proc0=$(proc_cpu_ns "$tracer_pid")
			srv0=$(proc_cpu_ns "$daxfs_pid")
			t0=$(now_ns)
			fio_length="io_size=${share_mib}M" \
				fio_jobs "" "share:/tmp/mnt/cost.${cost_sizes##* }:$rw:$engine:$bs" > /dev/null
			bpf1=$(bpf_time $ids)
			proc1=0
			[ -z "$tracer_pid" ] || proc1=$(proc_cpu_ns "$tracer_pid")
			srv1=$(proc_cpu_ns "$daxfs_pid")
			t0=$(( $(now_ns) - t0 ))
			tracer_stop
			# fio's usr_cpu and sys_cpu are % of the job's run time (ms)
			job=$(jq -r '.jobs[0] | "\((.usr_cpu + .sys_cpu) * .job_runtime * 1e4 | floor) \(.job_runtime * 1000000)"' \
				"$tmp/fio.json")
			set -- $bpf0 $bpf1
			echo "$rep,$t,${job% *},${job#* },$((srv1 - srv0)),$(($3 - $1)),$(($4 - $2)),$((proc1 - proc0)),$t0" \
				>> "$res/share.csv"
		done
	done
	sysctl -qw kernel.bpf_stats_enabled=0
}

# count_events NAME: a trace instance NAME (in $inst) recording the
# setup and fault-wait events, and $tmp/NAME-postrun, which fio runs
# after each job: it keeps the job's events in $tmp/trace.JOB and starts
# the next job with none.
count_events() {
	local e
	inst=$tracefs/instances/$1
	mkdir "$inst"
	echo 16384 > "$inst/buffer_size_kb"
	for e in fuse_dax_setup_end fuse_dax_fault_wait_begin fuse_dax_fault_wait_end; do
		echo 1 > "$inst/events/fuse/$e/enable"
	done
	printf '#!/bin/sh\ncat %s/trace > %s/trace.$1 && echo > %s/trace\n' \
		"$inst" "$tmp" "$inst" > "$tmp/$1-postrun"
	chmod +x "$tmp/$1-postrun"
}

# mount_window MIB: daxfsd serves /tmp/src on /tmp/mnt with the pmem
# region of MIB as its window
mount_window() {
	local dev
	dev=$(pmem_of "$1")
	start_daxfsd /tmp/src /tmp/mnt --dax-dev "$dev" || fail "mount $dev: $(cat "$daxfs_err")"
	mounted_mib=$1 window_used=0
}

# empty_window: the window mounted again if a job ran on it since
empty_window() {
	[ "$window_used" = 1 ] || return 0
	stop_daxfsd /tmp/mnt
	mount_window "$mounted_mib"
}

# cliff_jobs: in jobs, fio's jobs of the cliff's patterns on its file
cliff_jobs() {
	local p rw engine bs
	jobs=()
	for p in $cliff_patterns; do
		read -r rw engine bs <<<"$(pattern_args "$p")"
		jobs+=("$p:/tmp/mnt/ws:$rw:$engine:$bs")
	done
}

# Part 4: the cliff.  One file of $working_set_mib, windows from 1/8 to 2x
# of it (one pmem region each, mounted once per round), every access
# pattern through mmap.  Per run, from a trace instance that records the
# setup and fault-wait events: the SETUPMAPPING count (the tests prove it
# equals the server's) and the fault waits with their p99.
bench_cliff() {
	local rep f p win kib jobs inst
	echo "rep,pattern,window_mib,working_set_mib,kib_per_s,setupmappings,fault_waits,fault_wait_p99_us" > "$res/cliff.csv"
	count_events bench-cliff
	for rep in $(seq 1 $reps); do
		for f in $cliff_fractions; do
			win=$(awk -v f="$f" -v w=$working_set_mib 'BEGIN {print f * w}')
			log "cliff round $rep: window $win MiB"
			mount_window "$win"
			cliff_jobs
			echo > "$inst/trace"
			fio_each "$tmp/bench-cliff-postrun" "${jobs[@]}" > "$tmp/fio.out"
			while read -r p kib; do
				echo "$rep,$p,$win,$working_set_mib,$kib,$(cliff_events < "$tmp/trace.$p")" >> "$res/cliff.csv"
			done < "$tmp/fio.out"
			stop_daxfsd /tmp/mnt
		done
	done
	rmdir "$inst"
}

# policy_order REP: the policies, the first one first in odd rounds, so
# that drift over the boot is spread over both
policy_order() {
	if [ $(($1 % 2)) = 1 ]; then echo $policies; else echo $policies | tr ' ' '\n' | tac; fi
}

# Part 5: the reclaim policies (fuse's module parameter dax_reclaim), A/B
# in one boot: every case runs under each policy in turn, reps times.
#  - page reads through mmap by daxpages, the same sequence under both:
#    Zipf (the exponent after "zipf:"), uniform and sequential over a file
#    4x the window of the cost runs (16 ranges); "large:" is the same on a
#    window of 64 ranges;
#  - the cliff's fio patterns at windows of 0.5x, 1x and 2x of their
#    working set (fio runs for a time: compare throughput, not setups).
# Counts from a trace instance, as in the cliff.  Each run starts from an
# empty window (the files' inodes dropped, giving their ranges back).
bench_reclaim() {
	local rep c p f win file pattern reads secs kib jobs boot inst
	local param=/sys/module/fuse/parameters/dax_reclaim
	[ -e "$param" ] || fail "no $param: this kernel has no choice of reclaim policy"
	boot=$(cat "$param")
	echo "rep,case,policy,window_mib,file_mib,reads,seconds,kib_per_s,setupmappings,fault_waits,fault_wait_p99_us" > "$res/reclaim.csv"
	truncate -s $(( 4 * window_mib ))M /tmp/src/pages
	truncate -s $(( 4 * large_window_mib ))M /tmp/src/pages-large
	count_events bench-reclaim
	for rep in $(seq 1 $reclaim_reps); do
		this_round $rep || continue
		for c in $reclaim_cases; do
			win=$window_mib file=pages pattern=$c
			if [ "${c#large:}" != "$c" ]; then
				win=$large_window_mib file=pages-large pattern=${c#large:}
			fi
			mount_window "$win"
			for p in $(policy_order "$rep"); do
				log "reclaim round $rep: $c, $p"
				echo "$p" > "$param"
				echo 2 > /proc/sys/vm/drop_caches
				echo > "$inst/trace"
				"$tools/daxpages" "/tmp/mnt/$file" "$reclaim_reads" "$pattern" > "$tmp/pages.out" ||
					fail "daxpages $pattern: $(cat "$tmp/pages.out")"
				read -r _ reads _ _ _ _ _ _ _ secs < "$tmp/pages.out"
				echo "$rep,$c,$p,$win,$(( 4 * win )),$reads,$secs,,$(cliff_events < "$inst/trace")" >> "$res/reclaim.csv"
			done
			stop_daxfsd /tmp/mnt
		done
		for f in $reclaim_fractions; do
			win=$(awk -v f="$f" -v w=$working_set_mib 'BEGIN {print f * w}')
			mount_window "$win"
			cliff_jobs
			for p in $(policy_order "$rep"); do
				log "reclaim round $rep: cliff at window $win MiB, $p"
				echo "$p" > "$param"
				echo > "$inst/trace"
				fio_each "$tmp/bench-reclaim-postrun" "${jobs[@]}" > "$tmp/fio.out"
				while read -r c kib; do
					echo "$rep,cliff-$c,$p,$win,$working_set_mib,,,$kib,$(cliff_events < "$tmp/trace.$c")" >> "$res/reclaim.csv"
				done < "$tmp/fio.out"
			done
			stop_daxfsd /tmp/mnt
		done
	done
	echo "$boot" > "$param"
	rmdir "$inst"
	rm -f /tmp/src/pages /tmp/src/pages-large
}

# fio_count_jobs POSTRUN LOOPS JOB...: fio_jobs, but each job a fixed
# amount of I/O (LOOPS passes over its file) instead of a time, so that
# it makes the same accesses at every window size; the random patterns'
# offsets repeat (randrepeat).
fio_count_jobs() {
	local post=$1
	fio_length="loops=$2" fio_jobs "$post" "${@:3}" > /dev/null
}

# size_case CASE: one run of CASE on /tmp/mnt from an empty window
size_case() {
	local rw engine bs
	echo 2 > /proc/sys/vm/drop_caches
	case $1 in
	zipf:*)
		"$tools/daxpages" /tmp/mnt/pages "$size_reads" "$1" > "$tmp/pages.out" ||
			fail "daxpages $1: $(cat "$tmp/pages.out")" ;;
	mixed)	# two processes, two files, two sequences
		"$tools/daxpages" /tmp/mnt/pages "$size_reads" zipf:1.1 1 > "$tmp/pages.out" &
		"$tools/daxpages" /tmp/mnt/pages-b "$size_reads" zipf:0.8 2 > "$tmp/pages-b.out" ||
			fail "daxpages (mixed): $(cat "$tmp/pages-b.out")"
		wait $! || fail "daxpages (mixed): $(cat "$tmp/pages.out")" ;;
	*)
		read -r rw engine bs <<<"$(pattern_args "$1")"
		fio_count_jobs "" "$size_loops" "$1:/tmp/mnt/ws:$rw:$engine:$bs" ;;
	esac
}

# Part 6: dax-size's predictions against runs at the sizes it predicts.
# Each case is recorded by dax-size at the cost runs' window (32 MiB) and
# predicted for the other windows ($size_windows, 0.5x to 4x of it), then
# run at each of them; per run the SETUPMAPPINGs from the trace instance,
# as in the cliff.  The same accesses at every size: fio does a fixed
# amount of I/O, daxpages a fixed sequence; only "mixed" (two processes)
# interleaves as the scheduler lets it.
bench_size() {
	local rep c p win sizes="" w boot pid
	local param=/sys/module/fuse/parameters/dax_reclaim
	[ -e "$param" ] || fail "no $param: this kernel has no choice of reclaim policy"
	boot=$(cat "$param")
	echo "rep,case,policy,window_mib,recorded_mib,predicted,measured" > "$res/size.csv"
	for w in $size_windows; do sizes+=${sizes:+,}${w}M; done
	truncate -s $(( 4 * window_mib ))M /tmp/src/pages
	truncate -s $(( 2 * window_mib ))M /tmp/src/pages-b
	count_events bench-size
	for rep in $(seq 1 $size_reps); do
		this_round $rep || continue
		for p in $size_policies; do
			echo "$p" > "$param"
			for c in $size_cases; do
				log "size round $rep: $c, $p, recorded at $window_mib MiB"
				mount_window $window_mib
				echo > "$inst/trace"
				start_ready ': attached \(' "$tmp/size.log" "$tools/dax-size" --json \
					--sizes "$sizes" || fail "dax-size did not attach: $(tail -3 "$tmp/size.log")"
				pid=$tool_pid
				size_case "$c"
				stop_ready "$pid" dax-size
				grep '^{' "$tmp/size.log" > "$tmp/size.json" ||
					fail "dax-size reported nothing: $(tail -3 "$tmp/size.log")"
				[ "$(jq -r .dropped "$tmp/size.json")" = 0 ] || fail "dax-size lost lookups"
				echo "$rep,$c,$p,$window_mib,$window_mib,$(jq -r '.mounts[] | select(.mount == "/tmp/mnt") |
					.windows[] | select(.current) | .setups' "$tmp/size.json"),$(cliff_events < "$inst/trace" | cut -d, -f1)" >> "$res/size.csv"
				stop_daxfsd /tmp/mnt
				for w in $size_windows; do
					log "size round $rep: $c, $p, at $w MiB"
					mount_window "$w"
					echo > "$inst/trace"
					size_case "$c"
					echo "$rep,$c,$p,$w,$window_mib,$(jq -r --argjson b $((w << 20)) '.mounts[] |
						select(.mount == "/tmp/mnt") | .windows[] | select(.bytes == $b) | .setups' \
						"$tmp/size.json"),$(cliff_events < "$inst/trace" | cut -d, -f1)" >> "$res/size.csv"
					stop_daxfsd /tmp/mnt
				done
			done
		done
	done
	echo "$boot" > "$param"
	rmdir "$inst"
	rm -f /tmp/src/pages /tmp/src/pages-b
}

# cliff_events < TRACE: "setups,fault waits,fault-wait p99 in us".
# Waits pair begin and end by task; durations sorted, p99 by rank.
cliff_events() {
	awk '
	/ fuse_dax_setup_end: / { setups++ }
	/ fuse_dax_fault_wait_(begin|end): / {
		ts = $0; sub(/: fuse_dax_.*/, "", ts); n = split(ts, f, " "); ts = f[n]
		if ($0 ~ /_begin: /) { begin[$1] = ts; next }
		if ($1 in begin) { printf "%.0f\n", (ts - begin[$1]) * 1e6; delete begin[$1] }
	}
	END { printf "setups %d\n", setups }' | sort -n | awk '
	/^setups / { setups = $2; next }
	{ d[++n] = $1 }
	END {
		rank = int(n * 0.99); if (rank < n * 0.99) rank++
		printf "%d,%d,%d", setups, n, n ? d[rank] : 0
	}'
}


log "mode $mode: $reps round(s), ${runtime} s per fio run, kernel $(uname -r)"
[ -n "$perf" ] || fail "no perf (package linux-perf)"
grep -qw "$bcc_function" /proc/kallsyms || fail "$bcc_function is not a kernel symbol (inlined?): pick another for bcc"
for f in "$libbpf_tool" "$libbpf_tp_tool"; do
	[ -x "$f" ] || fail "$f missing: make deps installs libbpf-tools"
done
mkdir -p /tmp/src
for size in $cost_sizes; do make_file "/tmp/src/cost.$size" $((size * window_mib)); done
make_file /tmp/src/ws $working_set_mib
{
	printf '{"mode": "%s", "reps": %d, "runtime_s": %d, ' "$mode" "$reps" "$runtime"
	printf '"kernel": "%s", "guest_cpus": %d, ' "$(uname -r)" "$(nproc)"
	printf '"fio": "%s", "bpftrace": "%s", "perf": "%s", "trace_cmd": "%s"}\n' \
		"$(fio --version)" "$(bpftrace --version | cut -d' ' -f2)" \
		"$("$perf" --version | cut -d' ' -f3)" "$(trace-cmd --version 2>&1 | awk '/version/ {print $3; exit}')"
} > "$res/guest.json"

# phase NAME: part NAME if BENCH_PARTS has it, its time in phases.csv
phase() {
	local s=$(now_ns)
	[[ " $parts " == *" $1 "* ]] || return 0
	"bench_$1"
	echo "bench_$1,$(( ($(now_ns) - s) / 1000000 ))" >> "$res/phases.csv"
}
echo "phase,ms" > "$res/phases.csv"
mount_window $window_mib
phase cost
phase per_event
phase startup
phase share
stop_daxfsd /tmp/mnt
phase cliff
phase reclaim
phase size
log done
