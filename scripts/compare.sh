#!/usr/bin/env bash
# Compares blatt with the usual tools on the same generated inputs:
#
#  1. wrapping throughput: `blatt render --width 80` against `fmt -w 80`, `fold -s -w 80`
#     and `par 80` on 10 MB of mixed German/English/Chinese/Japanese/Thai text (MB/s of
#     input, and how many output lines are wider than 80 terminal cells);
#  2. time to first frame: `blatt ARTICLE` against `less ARTICLE` on a 100 MB article, both
#     started in a detached 100x30 tmux pane, polling the pane until the first screen's
#     text shows; also blatt's bundled library and a 100,000-entry INDEX.md;
#  3. peak RSS (/usr/bin/time -v) of `blatt render` and of opening the 100 MB article.
#
# Medians of RUNS runs (default 5). Tools that are not installed are skipped with a note.
# Inputs come from `cargo run --release --example gen`, the same text as the benchmarks.
#
#   scripts/compare.sh                 # everything
#   RUNS=3 MB=20 scripts/compare.sh    # quicker: a 20 MB article for the first frame
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
MB=${MB:-100}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blatt-compare.XXXXXX")
SOCKET="blatt-compare-$$"
cleanup() {
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

have() { command -v "$1" >/dev/null 2>&1; }
note() { printf '%s\n' "$*" >&2; }

if ! have python3; then
    note "python3 is needed for timing and cell counting; stopping."
    exit 1
fi

note "building (release) ..."
cargo build --release --quiet --bin blatt --example gen
BLATT=$PWD/target/release/blatt
GEN=$PWD/target/release/examples/gen
MARKER="Quokka-Zebrafinch"   # in the first paragraph of every generated text

note "generating inputs in $WORK ..."
"$GEN" mixed 10 "$WORK/mixed.txt"
"$GEN" article "$MB" "$WORK/article.txt"
"$GEN" index 100000 "$WORK/lib" files
mkdir -p "$WORK/config"

# The helper does the timing (wall and user+sys of the child), the cell counting and the
# tmux polling, so that shell start-up does not blur the numbers.
cat >"$WORK/helper.py" <<'PY'
import os, resource, statistics, subprocess, sys, time, unicodedata

def cells(line):
    n = 0
    for ch in line:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0:
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n

def throughput(runs, infile, out, cmd):
    size = os.path.getsize(infile)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        with open(infile, "rb") as i, open(out, "wb") as o:
            subprocess.run(cmd, stdin=i, stdout=o, check=True)
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    with open(out, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    lines = text.split("\n")
    over = sum(1 for l in lines if cells(l) > 80)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    mb = size / 1e6
    print(f"{mb / wall:.2f}\t{mb / cpu if cpu else 0:.2f}\t{wall * 1000:.1f}\t{cpu * 1000:.1f}\t{over}\t{len(lines)}")

def first_frame(runs, socket, needle, cmd):
    times = []
    for _ in range(runs):
        subprocess.run(["tmux", "-L", socket, "kill-server"], stderr=subprocess.DEVNULL)
        time.sleep(0.2)  # let the old server go, or new-session can fail
        t = time.perf_counter()
        subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "ff",
                        "-x", "100", "-y", "30", cmd], check=True)
        deadline = t + 60
        seen = False
        while time.perf_counter() < deadline:
            screen = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p", "-t", "ff"],
                                    capture_output=True, text=True).stdout
            if needle in screen:
                seen = True
                break
        elapsed = time.perf_counter() - t
        subprocess.run(["tmux", "-L", socket, "kill-server"], stderr=subprocess.DEVNULL)
        if not seen:
            print("timeout")
            return
        times.append(elapsed)
    print(f"{statistics.median(times) * 1000:.0f}\t{min(times) * 1000:.0f}\t{max(times) * 1000:.0f}")

def tmux_rss(socket, needle, cmd, out):
    """Runs cmd under /usr/bin/time -v in tmux, waits for the first screen, quits with q."""
    subprocess.run(["tmux", "-L", socket, "kill-server"], stderr=subprocess.DEVNULL)
    time.sleep(0.2)
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "rss", "-x", "100",
                    "-y", "30", f"/usr/bin/time -v -o {out} {cmd}"], check=True)
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        screen = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p", "-t", "rss"],
                                capture_output=True, text=True).stdout
        if needle in screen:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    subprocess.run(["tmux", "-L", socket, "send-keys", "-t", "rss", "q"])
    while time.perf_counter() < deadline and not (os.path.exists(out) and os.path.getsize(out) > 0):
        time.sleep(0.05)
    subprocess.run(["tmux", "-L", socket, "kill-server"], stderr=subprocess.DEVNULL)

if __name__ == "__main__":
    what = sys.argv[1]
    if what == "throughput":
        throughput(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:])
    elif what == "first_frame":
        first_frame(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
    elif what == "tmux_rss":
        tmux_rss(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
PY
helper() { python3 "$WORK/helper.py" "$@"; }
rss_of() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1"; }

echo
echo "== 1. wrapping 10 MB of mixed-language text to 80 columns (median of $RUNS)"
echo "   input: $(wc -c <"$WORK/mixed.txt") bytes, $(wc -l <"$WORK/mixed.txt") lines"
printf '%-22s %10s %12s %10s %10s %12s %9s\n' tool "MB/s wall" "MB/s cpu" "wall ms" "cpu ms" "lines>80" "lines"
declare -A WALL_MBS
run_tool() {
    local name=$1
    shift
    local r
    r=$(helper throughput "$RUNS" "$WORK/mixed.txt" "$WORK/out-$name.txt" "$@")
    IFS=$'\t' read -r mbs mbs_cpu wall cpu over lines <<<"$r"
    WALL_MBS[$name]=$mbs
    printf '%-22s %10s %12s %10s %10s %12s %9s\n' "$name" "$mbs" "$mbs_cpu" "$wall" "$cpu" "$over" "$lines"
}
# blatt reads a path, not stdin: /dev/stdin is the redirected file. (`blatt --config-dir D
# render ...` does not parse: the PATH argument takes "render"; hence the option after it.)
run_tool "blatt render" "$BLATT" render --width 80 --config-dir "$WORK/config" /dev/stdin
for tool in fmt fold par; do
    if ! have "$tool"; then
        note "   ($tool is not installed: skipped)"
        continue
    fi
    case $tool in
        fmt) run_tool "fmt -w 80" fmt -w 80 ;;
        fold) run_tool "fold -s -w 80" fold -s -w 80 ;;
        par) run_tool "par 80" par 80 ;;
    esac
done
for name in "${!WALL_MBS[@]}"; do
    [[ $name == "blatt render" ]] && continue
    python3 -c "import sys; b, o = float(sys.argv[1]), float(sys.argv[2]); print(f'   blatt / {sys.argv[3]}: {b / o:.3f}x the throughput' if o else '')" \
        "${WALL_MBS[blatt render]}" "${WALL_MBS[$name]}" "$name"
done

echo
echo "== 2. time to first frame in a 100x30 tmux pane (median of $RUNS, ms; min, max)"
if ! have tmux; then
    note "   (tmux is not installed: skipped)"
else
    declare -A FF
    ff() {
        local name=$1 needle=$2 cmd=$3 r
        r=$(helper first_frame "$RUNS" "$SOCKET" "$needle" "$cmd")
        FF[$name]=${r%%$'\t'*}
        printf '%-40s %s\n' "$name" "$(tr '\t' ' ' <<<"$r")"
    }
    CFG="--config-dir $WORK/config"
    ff "blatt, ${MB} MB article" "$MARKER" "$BLATT $CFG $WORK/article.txt"
    if have less; then
        ff "less, ${MB} MB article" "$MARKER" "less $WORK/article.txt"
    else
        note "   (less is not installed: skipped)"
    fi
    ff "blatt, bundled library" "bundled library" "$BLATT $CFG --fresh"
    ff "blatt, 100000-entry INDEX.md" "100000 articles" "$BLATT $CFG --fresh $WORK/lib"
    ff "tmux + cat (floor of the method)" "$MARKER" "head -n 20 $WORK/article.txt; sleep 60"
    if [[ -n ${FF[less, ${MB} MB article]:-} && ${FF[less, ${MB} MB article]} != timeout ]]; then
        python3 -c "import sys; print(f'   blatt / less: {float(sys.argv[1]) / float(sys.argv[2]):.1f}x the time')" \
            "${FF[blatt, ${MB} MB article]}" "${FF[less, ${MB} MB article]}"
    fi
fi

echo
echo "== 3. peak RSS (MiB)"
if [[ ! -x /usr/bin/time ]]; then
    note "   (/usr/bin/time is not installed: skipped)"
else
    /usr/bin/time -v -o "$WORK/rss-render.txt" "$BLATT" \
        render --width 80 --config-dir "$WORK/config" "$WORK/mixed.txt" >/dev/null
    printf '%-40s %8s MiB  (input %.1f MiB)\n' "blatt render, 10 MB mixed" \
        "$(rss_of "$WORK/rss-render.txt")" "$(python3 -c "print($(wc -c <"$WORK/mixed.txt") / 1048576)")"
    if have tmux; then
        helper tmux_rss "$SOCKET" "$MARKER" "$BLATT --config-dir $WORK/config $WORK/article.txt" "$WORK/rss-open.txt"
        printf '%-40s %8s MiB  (input %.1f MiB)\n' "blatt, open ${MB} MB article and quit" \
            "$(rss_of "$WORK/rss-open.txt")" "$(python3 -c "print($(wc -c <"$WORK/article.txt") / 1048576)")"
        if have less; then
            helper tmux_rss "$SOCKET" "$MARKER" "less $WORK/article.txt" "$WORK/rss-less.txt"
            printf '%-40s %8s MiB\n' "less, open ${MB} MB article and quit" "$(rss_of "$WORK/rss-less.txt")"
        fi
    fi
fi
