#!/usr/bin/env bash
# The engine and an independent Polars rater, side by side on the same book
# (issue 28): both re-rate the same N Texas personal-auto policies (the Rust
# benchmark's shape) on the same cores, in alternation, after a check that
# they charge the same premiums.
#
#   bash scripts/bench-rating.sh [N] [ROUNDS]      (defaults: 1000000, 3)
#
# 1. The peer (tools/bench/polars-peer, Python with polars==2.1.0 in a
#    virtual environment under target/) generates the book once: JSON Lines
#    in the canonical policy model, and Parquet for itself.
# 2. A release build of `uw` and of the engine's timing program
#    (crates/cli/examples/rerate_book.rs).
# 3. Equality: the peer's verify.sh rates BENCH_SAMPLE (default 200) random
#    policies of the book with `uw rate` and compares every coverage premium
#    and total to the cent, plus its edge cases; then both sides' whole-book
#    totals must be equal.
# 4. ROUNDS rounds, each one engine run then one peer run. The engine reads
#    and validates the book before its timing; the peer has the book in
#    memory before its own ("rating only"). Both use every core.
#    Each engine run also checks every 1,000th policy: the compiled plan's
#    premiums against the engine's full rating (`rate`), value and scale.
# 5. The impact of a discount change (multi-car 10% to 12%) on the same
#    book, streamed from its file by `uw pack impact`: wall time and peak
#    memory.
# 6. A summary with the machine, the date, the medians, the ratio and each
#    side's peak memory, to copy into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/lib.sh

N=${1:-1000000}
ROUNDS=${2:-3}
SAMPLE=${BENCH_SAMPLE:-200}
for v in "$N" "$ROUNDS" "$SAMPLE"; do
    case $v in '' | *[!0-9]*) die "not a whole number: '$v'" ;; esac
done

ensure_packages time
HERE=tools/bench/polars-peer
. "$HERE/common.sh"
peer_venv
peer_book "$N"

log "building uw and the engine's timing program (release)"
cargo build --release --locked -p uw-cli --bin uw --example rerate_book
ENGINE=target/release/examples/rerate_book

log "checking that the engine and the peer charge the same premiums ($SAMPLE policies)"
PEER_IMPACT_MAX=0 bash "$HERE/verify.sh" target/release/uw "$SAMPLE" "$N"

OUT=$WORK/side-by-side-$N
mkdir -p "$OUT"
rm -f "$OUT"/*.json
for round in $(seq 1 "$ROUNDS"); do
    log "round $round of $ROUNDS: the engine"
    "$ENGINE" --pack "$PACK" --book "$BOOK_JSONL" --repeat 1 > "$OUT/engine-$round.json"
    log "round $round of $ROUNDS: the peer"
    "$PY" "$HERE/rate_polars.py" bench "$BOOK_PARQUET" --pack "$PACK" --repeat 1 --json "$OUT/peer-$round.json" > /dev/null
done

log "impact of a discount change, streamed from the book file"
DRAFT=$OUT/draft-discount
rm -rf "$DRAFT"
cp -r "$PACK" "$DRAFT"
rm -f "$DRAFT/SIGNATURE"
python3 - "$DRAFT/manifest.toml" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
changed = re.sub(r'(code = "multi-car"\nname = "[^"]*"\nrate = )"0\.10"', r'\1"0.12"', text)
if changed == text:
    sys.exit("the multi-car discount is not where this script expects it")
open(path, "w").write(changed)
PY
/usr/bin/time -f '%e %M' -o "$OUT/impact-time.txt" target/release/uw pack impact --base "$PACK" --draft "$DRAFT" --book "$BOOK_JSONL" --format json > "$OUT/impact.json"

MACHINE="$(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM" \
    "$PY" - "$OUT" "$ROUNDS" <<'PY'
import json, os, statistics, sys, time

out, rounds = sys.argv[1], int(sys.argv[2])
engine = [json.load(open(f"{out}/engine-{r}.json")) for r in range(1, rounds + 1)]
peer = [json.load(open(f"{out}/peer-{r}.json")) for r in range(1, rounds + 1)]
e_runs = [e["runs_s"][0] for e in engine]
p_runs = [p["rating_only_s"][0] for p in peer]
e_total = {int(e["total_cents"]) for e in engine}
p_total = {int(p["total_cents"]) for p in peer}
policies = engine[0]["policies"]
print()
print("== the engine and the Polars peer, side by side")
print(f"date          {time.strftime('%Y-%m-%d %H:%M %Z')}")
print(f"machine       {os.environ['MACHINE']}")
print(f"book          {policies:,} policies, {peer[0]['coverage_premiums']:,} coverage premiums")
print(f"engine        median {statistics.median(e_runs):.3f} s (runs {', '.join(f'{t:.3f}' for t in e_runs)}; "
      f"{engine[0]['threads']} threads; peak RSS {max(e['peak_rss_mib'] for e in engine):,} MiB; book read in {engine[0]['load_s']:.1f} s)")
print(f"peer          median {statistics.median(p_runs):.3f} s (runs {', '.join(f'{t:.3f}' for t in p_runs)}; "
      f"Polars {peer[0]['polars']}, {peer[0]['threads']} threads; peak RSS {max(p['peak_rss_mib'] for p in peer):,} MiB)")
ratio = statistics.median(p_runs) / statistics.median(e_runs)
print(f"ratio         the engine takes {1 / ratio:.2f}x the peer's time" if ratio < 1 else f"ratio         the engine is {ratio:.2f}x faster")
if len(e_total) != 1 or e_total != p_total:
    print(f"TOTALS DIFFER: engine {sorted(e_total)}, peer {sorted(p_total)}")
    sys.exit(1)
print(f"total         {next(iter(e_total)) / 100:,.2f} on both sides")
print(f"checked       {sum(e.get('checked', 0) for e in engine):,} policies priced the same by the compiled plan and the engine's full rating")
wall, kib = open(f"{out}/impact-time.txt").read().split()
impact = json.load(open(f"{out}/impact.json"))
print(f"impact        multi-car discount 10% to 12%, uw pack impact streaming the JSON Lines book: {float(wall):.1f} s wall "
      f"(reading and checking the book included), peak RSS {int(kib) // 1024:,} MiB; {impact['rated']:,} rated, "
      f"premium {impact['total']['base_premium']} to {impact['total']['draft_premium']}")
PY
