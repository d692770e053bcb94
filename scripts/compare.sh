#!/usr/bin/env bash
# Compares blatt with the usual tools on the same generated inputs:
#
#  1. wrapping throughput: `blatt render --width 80` against `fmt -w 80`, `fold -s -w 80`
#     and `par 80` on 10 MB of mixed German/English/Chinese/Japanese/Thai text (MB/s of
#     input, and how many output lines are wider than 80 terminal cells);
#  2. time to first frame, from exec to the last byte of the first complete screen in a
#     100x30 pty (scripts/first_frame.py: it answers terminal queries, feeds the output to
#     the pyte terminal emulator and quits with q): `blatt ARTICLE` against `less ARTICLE`
#     on a 100 MB article, blatt's bundled library against `less` on the seed article, a
#     100,000-entry INDEX.md, and the harness's own floor (`printf` of the first screen's
#     text); issue 5's targets are <= 50 ms (100 MB article) and <= 20 ms (bundled library);
#  3. peak RSS (/usr/bin/time -v) of `blatt render` and of opening the 100 MB article.
#
# Medians of RUNS runs (default 5). Tools that are not installed are skipped with a note.
# Inputs come from `cargo run --release --example gen`, the same text as the benchmarks.
# pyte (a Python terminal emulator) is installed into the scratch folder with pip when it
# cannot be imported; without it the first-frame timer looks for the text in the byte
# stream with escape sequences stripped.
#
#   scripts/compare.sh                 # everything
#   RUNS=3 MB=20 scripts/compare.sh    # quicker: a 20 MB article for the first frame
#   SECTIONS=2 scripts/compare.sh      # only the first frame (SECTIONS="1 3": the others)
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
MB=${MB:-100}
SECTIONS=${SECTIONS:-1 2 3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blatt-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }
note() { printf '%s\n' "$*" >&2; }

if ! have python3; then
    note "python3 is needed for timing and cell counting; stopping."
    exit 1
fi
section() { [[ " $SECTIONS " == *" $1 "* ]]; }

note "building (release) ..."
cargo build --release --quiet --bin blatt --example gen
BLATT=$PWD/target/release/blatt
GEN=$PWD/target/release/examples/gen
MARKER="Quokka-Zebrafinch"   # in the first paragraph of every generated text

FIRST_FRAME=$PWD/scripts/first_frame.py
SEED=$(find seeds -name '*.txt' | sort | head -n 1)
# The bundled library's first screen lists its first article: the first link's text.
SEED_TITLE=$(sed -n 's/^- \[\([^]]*\)\](.*/\1/p' seeds/INDEX.md | head -n 1)

note "generating inputs in $WORK ..."
if section 1 || section 3; then "$GEN" mixed 10 "$WORK/mixed.txt"; fi
if section 2 || section 3; then "$GEN" article "$MB" "$WORK/article.txt"; fi
if section 2; then "$GEN" index 100000 "$WORK/lib" files; fi
mkdir -p "$WORK/config"

# The helper does the timing (wall and user+sys of the child) and the cell counting, so
# that shell start-up does not blur the numbers.
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

if __name__ == "__main__":
    what = sys.argv[1]
    if what == "throughput":
        throughput(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:])
PY
helper() { python3 "$WORK/helper.py" "$@"; }
# For first_frame.py: blatt gets an empty config dir for every run, so it starts without
# reading state; less gets no user settings (LESS, and LESSOPEN, which would run a
# preprocessor) and writes no history.
BLATT_ENV=(--empty-dir BLATT_CONFIG_DIR)
LESS_ENV=(--unset LESS --unset LESSOPEN --unset LESSCLOSE --env LESSHISTFILE=-)
rss_of() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$1"; }

if section 1; then
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
fi

if section 2; then
    echo
    echo "== 2. time to first frame: exec to the last byte of the first complete screen in a 100x30 pty"
    EMULATOR="the pyte terminal emulator"
    if ! python3 -c 'import pyte' 2>/dev/null; then
        note "   pyte is not installed: installing it into $WORK/py with pip ..."
        if python3 -m pip install --quiet --disable-pip-version-check --target "$WORK/py" pyte >/dev/null 2>&1; then
            export PYTHONPATH="$WORK/py${PYTHONPATH:+:$PYTHONPATH}"
        else
            note "   (pip could not install pyte: the timer looks for the text in the output with escape sequences stripped)"
            EMULATOR="no emulator (pyte missing): the text of the output"
        fi
    fi
    echo "   (scripts/first_frame.py with $EMULATOR; ms, median of $RUNS after a warm-up run;"
    echo "   load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores)"
    printf '%-40s %8s %8s %8s %8s %8s %7s  %s\n' "" median min max needle "q->exit" bytes "terminal queries"
    declare -A FF
    # ff NAME NEEDLE [first_frame.py options] -- COMMAND...: one row of the table.
    ff() {
        local name=$1 needle=$2 r med min max needle_ms exit_ms bytes killed queries
        shift 2
        if ! r=$(python3 "$FIRST_FRAME" --tsv --runs "$RUNS" --needle "$needle" "$@"); then
            FF[$name]=error
            printf '%-40s failed: %s\n' "$name" "${r#error$'\t'}"
            return
        fi
        IFS=$'\t' read -r med min max needle_ms exit_ms bytes _ killed _ queries <<<"$r"
        FF[$name]=$med
        printf '%-40s %8s %8s %8s %8s %8s %7s  %s\n' "$name" "$med" "$min" "$max" "$needle_ms" \
            "$exit_ms" "$bytes" "$queries"
        if [[ $killed != 0 ]]; then note "   ($name: did not quit on q in $killed runs: killed)"; fi
    }
    A="blatt, ${MB} MB article"
    LA="less, ${MB} MB article"
    L="blatt --fresh, bundled library"
    LS="less, the seed article ($(wc -c <"$SEED") bytes)"
    # Each blatt row next to its less row, so that both see about the same machine load.
    have less || note "   (less is not installed: skipped)"
    ff "harness floor: printf the needle" "$MARKER" -- printf '%s\n' "$MARKER"
    ff "$A" "$MARKER" "${BLATT_ENV[@]}" -- "$BLATT" "$WORK/article.txt"
    if have less; then ff "$LA" "$MARKER" "${LESS_ENV[@]}" -- less "$WORK/article.txt"; fi
    ff "$L" "$SEED_TITLE" "${BLATT_ENV[@]}" -- "$BLATT" --fresh
    if have less; then ff "$LS" "$SEED_TITLE" "${LESS_ENV[@]}" -- less "$SEED"; fi
    I="blatt --fresh, 100000-entry INDEX.md"
    LI="less, that INDEX.md"
    ff "$I" "Article 0:" "${BLATT_ENV[@]}" -- "$BLATT" --fresh "$WORK/lib"
    if have less; then ff "$LI" "Article 0:" "${LESS_ENV[@]}" -- less "$WORK/lib/INDEX.md"; fi
    # The rest of a large INDEX.md is parsed after the first frame; the header counts it.
    ff "  ... until all 100000 are listed" "100000 articles" "${BLATT_ENV[@]}" -- "$BLATT" --fresh "$WORK/lib"
    python3 - "$MB" "${FF[$A]}" "${FF[$LA]:-}" "${FF[$L]}" "${FF[$LS]:-}" "${FF[$I]}" "${FF[$LI]:-}" <<'PY'
import sys
mb, article, less_article, library, less_seed, index, less_index = sys.argv[1:]
def num(s):
    try:
        return float(s)
    except ValueError:
        return None
article, less_article, library, less_seed, index, less_index = map(
    num, (article, less_article, library, less_seed, index, less_index))
if article and less_article:
    print(f"   {f'blatt / less, {mb} MB article:':44} {article / less_article:.2f}x the time")
if library and less_seed:
    print(f"   {'blatt bundled library / less seed article:':44} {library / less_seed:.2f}x the time")
if index and less_index:
    print(f"   {'blatt / less, 100000-entry INDEX.md:':44} {index / less_index:.2f}x the time")
def target(name, value, limit, note=""):
    if value is not None:
        verdict = "met" if value <= limit else "NOT met"
        print(f"   {f'issue 5 target, {name}:':44} {value:.1f} ms (<= {limit} ms): {verdict}{note}")
target(f"{mb} MB article", article, 50, "" if mb == "100" else " (the target is for 100 MB)")
target("bundled library", library, 20)
target("100000-entry INDEX.md", index, 100)
PY
fi

if section 3; then
    echo
    echo "== 3. peak RSS (MiB)"
    if [[ ! -x /usr/bin/time ]]; then
        note "   (/usr/bin/time is not installed: skipped)"
    else
        /usr/bin/time -v -o "$WORK/rss-render.txt" "$BLATT" \
            render --width 80 --config-dir "$WORK/config" "$WORK/mixed.txt" >/dev/null
        printf '%-48s %8s MiB  (input %.1f MiB)\n' "blatt render, 10 MB mixed" \
            "$(rss_of "$WORK/rss-render.txt")" "$(python3 -c "print($(wc -c <"$WORK/mixed.txt") / 1048576)")"
        # open_and_quit OUT [first_frame.py options] -- COMMAND...: runs COMMAND under
        # /usr/bin/time in the pty and quits with q once the output has paused for a
        # second, which for blatt is when the article has been read to its end (the status
        # line stops changing).
        open_and_quit() {
            local out=$1 options=()
            shift
            while [[ $1 != -- ]]; do options+=("$1"); shift; done
            shift
            python3 "$FIRST_FRAME" --runs 1 --warmup 0 --quiet 1000 --needle "$MARKER" \
                "${options[@]}" -- /usr/bin/time -v -o "$out" "$@" >/dev/null
        }
        open_and_quit "$WORK/rss-open.txt" "${BLATT_ENV[@]}" -- "$BLATT" "$WORK/article.txt"
        printf '%-48s %8s MiB  (input %.1f MiB)\n' "blatt, open ${MB} MB article, read it, quit" \
            "$(rss_of "$WORK/rss-open.txt")" "$(python3 -c "print($(wc -c <"$WORK/article.txt") / 1048576)")"
        if have less; then
            open_and_quit "$WORK/rss-less.txt" "${LESS_ENV[@]}" -- less "$WORK/article.txt"
            printf '%-48s %8s MiB\n' "less, open ${MB} MB article and quit" "$(rss_of "$WORK/rss-less.txt")"
        fi
    fi
fi
