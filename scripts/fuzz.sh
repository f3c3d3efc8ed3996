#!/usr/bin/env bash
# Run the cargo-fuzz targets of the core (core/fuzz) for a bounded time each and print a summary.
#
#   scripts/fuzz.sh [--install-only] [TARGET...]     (default: every target)
#
# Env: FUZZ_SECONDS (default 60) per target; FUZZ_SANITIZER (default none: the core is safe
# Rust, and AddressSanitizer would halve the exec rate; `address` also works).
# Installs what it needs: the nightly toolchain (rustup) and cargo-fuzz (`cargo install --locked`).
# Each target starts from its committed seeds (core/fuzz/seeds/<target>) plus the corpus grown
# by earlier runs (core/fuzz/corpus/<target>, not committed). A crash stops the run: the input
# is saved under core/fuzz/artifacts/<target>/ and the script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_SANITIZER="${FUZZ_SANITIZER:-none}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
FUZZ_DIR=core/fuzz

log() { echo "fuzz: $*" >&2; }

if ! cargo +nightly --version >/dev/null 2>&1; then
    log "installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

install_only=0
targets=()
for arg in "$@"; do
    case "$arg" in
        --install-only) install_only=1 ;;
        *) targets+=("$arg") ;;
    esac
done
[[ $install_only == 1 ]] && exit 0
if [[ ${#targets[@]} == 0 ]]; then
    mapfile -t targets < <(cd "$FUZZ_DIR" && cargo +nightly fuzz list)
fi

log "building ${targets[*]}"
(cd "$FUZZ_DIR" && cargo +nightly fuzz build -s "$FUZZ_SANITIZER")

summary=()
status=0
for target in "${targets[@]}"; do
    corpus="$FUZZ_DIR/corpus/$target"
    seeds="$FUZZ_DIR/seeds/$target"
    mkdir -p "$corpus" "$seeds" "$FUZZ_DIR/artifacts/$target" "$FUZZ_DIR/logs"
    # Not under artifacts/: cargo fuzz reports the newest file there as the failing input.
    out="$FUZZ_DIR/logs/$target.log"
    log "running $target for ${FUZZ_SECONDS}s"
    # Paths are relative to core/fuzz, where cargo fuzz runs. -timeout: one input running this
    # long is a hang.
    set +e
    (cd "$FUZZ_DIR" && cargo +nightly fuzz run -s "$FUZZ_SANITIZER" "$target" \
        "corpus/$target" "seeds/$target" -- \
        -max_total_time="$FUZZ_SECONDS" -timeout=30 -print_final_stats=1) 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    set -e
    if [[ $rc == 0 ]]; then
        result=ok
    else
        result=CRASH
        status=1
    fi
    # The last status line: "#N DONE cov: C ft: F corp: ... exec/s: E ...".
    last="$(grep -E '^#[0-9]+' "$out" | tail -n 1 || true)"
    execs="$(grep -E '^stat::number_of_executed_units:' "$out" | tail -n 1 | awk '{print $2}' || true)"
    rate="$(grep -E '^stat::average_exec_per_sec:' "$out" | tail -n 1 | awk '{print $2}' || true)"
    cov="$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")"
    ft="$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")"
    summary+=("$(printf '%-16s %-6s %10s %8s %6s %6s' "$target" "$result" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}")")
done

echo
printf '%-16s %-6s %10s %8s %6s %6s\n' target result execs exec/s cov ft
printf '%s\n' "${summary[@]}"
echo "(${FUZZ_SECONDS}s per target; logs in $FUZZ_DIR/logs/<target>.log)"
exit $status
