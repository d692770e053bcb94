#!/usr/bin/env bash
# Checks that two builds of blatt render the same bytes: `blatt render --width W` of every
# fixture, seed and corpus text (tests/fixtures, seeds, CORPUS=DIR, default ../shared/corpus)
# and of the given extra files (large ones are read in pieces), at widths 20 33 60 80 132
# (WIDTHS="..."), by OLD and NEW, compared byte for byte. Prints the number of renders
# compared and each that differs; exits 1 if any does.
#
#   scripts/render_identity.sh OLD_BLATT NEW_BLATT [EXTRA_FILE...]
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1 new=$2
shift 2
CORPUS=${CORPUS:-../shared/corpus}
WIDTHS=${WIDTHS:-20 33 60 80 132}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blatt-identity.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/config"
files=()
while IFS= read -r -d '' f; do files+=("$f"); done < <(
    find tests/fixtures seeds ${CORPUS:+"$CORPUS"} -type f -print0 2>/dev/null | sort -z)
files+=("$@")
compared=0 differ=0 failed=0
for f in "${files[@]}"; do
    for w in $WIDTHS; do
        o=0 n=0
        "$old" render --width "$w" --config-dir "$WORK/config" "$f" >"$WORK/old" 2>"$WORK/old.err" || o=$?
        "$new" render --width "$w" --config-dir "$WORK/config" "$f" >"$WORK/new" 2>"$WORK/new.err" || n=$?
        compared=$((compared + 1))
        if [[ $o != "$n" ]] || ! cmp -s "$WORK/old" "$WORK/new" || ! cmp -s "$WORK/old.err" "$WORK/new.err"; then
            echo "differs: $f at width $w (exit $o / $n)"
            differ=$((differ + 1))
        elif [[ $o != 0 ]]; then
            failed=$((failed + 1))
        fi
    done
done
echo "$compared renders compared ($((${#files[@]})) files x widths $WIDTHS): $differ differ;" \
    "$failed failed the same way in both (not articles, such as images)"
[[ $differ == 0 ]]
