#!/usr/bin/env bash
# Scaling bench: scans generated corpora of 10 MB, 100 MB and 1 GB (perturbed data/ passages,
# written to a temporary folder and deleted afterwards) with the release `scan` binary on 1 and
# 2 threads, reporting wall time, throughput and peak RSS. Usage: benches/scale/run.sh [SIZES_MB...]
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("${@:-10 100 1000}")
[ $# -gt 0 ] && sizes=("$@") || sizes=(10 100 1000)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "+ cargo build --release --example scan" >&2
cargo build --release --example scan >&2
printf '| corpus | documents | threads | seconds | MB/s | docs/s | peak RSS MB |\n|---|---|---|---|---|---|---|\n'
for mb in "${sizes[@]}"; do
    f="$tmp/corpus-${mb}MB.jsonl"
    python3 benches/scale/gen.py $((mb * 1000 * 1000)) "$f" 2>"$tmp/gen.log"
    docs=$(wc -l < "$f")
    bytes=$(stat -c %s "$f")
    for t in 1 2; do
        start=$(date +%s.%N)
        summary=$(./target/release/examples/scan --threads "$t" --report-peak-rss "$f" 2>&1 >/dev/null | tail -1)
        end=$(date +%s.%N)
        secs=$(python3 -c "print(f'{$end - $start:.2f}')")
        rss=$(echo "$summary" | sed -n 's/.*peak RSS \([0-9]*\) kB.*/\1/p')
        python3 -c "b=$bytes; s=$secs; d=$docs; r=${rss:-0}; print(f'| {b/1e6:.0f} MB | {d:,} | $t | {s:.2f} | {b/1e6/s:.1f} | {d/s:,.0f} | {r/1000:.0f} |')"
    done
    rm -f "$f"
done
