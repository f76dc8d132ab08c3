#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Self-test for qemu-run: takes the path of a built qemu-run binary as $1 and
# exercises every directive, option and error path with fake commands
# (sh -c 'echo ...; sleep ...') instead of QEMU.  Each case checks the exit
# status (and, where it matters, stderr/stdout text, elapsed time, the log
# file, or that no child process survived), prints one "ok"/"NOT OK" line,
# and the script exits non-zero if any case misbehaves.  It builds nothing.

set -u

BIN=${1:?usage: selftest.sh PATH_TO_QEMU_RUN}
if [ ! -x "$BIN" ]; then
    echo "selftest: $BIN is not an executable" >&2
    exit 2
fi
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/qemu-run-selftest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 2

NCASE=0
NBAD=0
RC=0
ELAPSED_MS=0

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

report() {  # report NAME WHY  (empty WHY = ok)
    if [ -z "$2" ]; then
        echo "ok     $NCASE - $1"
    else
        echo "NOT OK $NCASE - $1: $2"
        NBAD=$((NBAD + 1))
        sed 's/^/    | /' "$TMP/err" 2>/dev/null | head -n 20
    fi
}

# run EXPECT_CONTENT [RUNNER_OPTIONS...] -- COMMAND...
run() {
    local content=$1 opts=() t0
    shift
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
    shift
    NCASE=$((NCASE + 1))
    EF=case$NCASE.expect
    printf '%s\n' "$content" > "$EF"
    t0=$(now_ms)
    "$BIN" ${opts[@]+"${opts[@]}"} "$EF" -- "$@" > "$TMP/out" 2> "$TMP/err"
    RC=$?
    ELAPSED_MS=$(( $(now_ms) - t0 ))
}

# tcase NAME WANT_RC [--err ERE] [--out ERE] [--no-out ERE] [--min-ms N]
#       [--max-ms N] EXPECT_CONTENT [RUNNER_OPTIONS...] -- COMMAND...
tcase() {
    local name=$1 want=$2 err_re="" out_re="" no_out="" min=0 max=""
    local why=""
    shift 2
    while :; do
        case $1 in
        --err) err_re=$2; shift 2 ;;
        --out) out_re=$2; shift 2 ;;
        --no-out) no_out=$2; shift 2 ;;
        --min-ms) min=$2; shift 2 ;;
        --max-ms) max=$2; shift 2 ;;
        *) break ;;
        esac
    done
    run "$@"
    if [ "$RC" -ne "$want" ]; then
        why="exit status $RC, expected $want"
    elif [ -n "$err_re" ] && ! grep -Eq -- "$err_re" "$TMP/err"; then
        why="stderr does not match /$err_re/"
    elif [ -n "$out_re" ] && ! grep -Eq -- "$out_re" "$TMP/out"; then
        why="stdout does not match /$out_re/"
    elif [ -n "$no_out" ] && grep -Eq -- "$no_out" "$TMP/out"; then
        why="stdout unexpectedly matches /$no_out/"
    elif [ "$ELAPSED_MS" -lt "$min" ]; then
        why="finished after ${ELAPSED_MS} ms, expected >= $min ms"
    elif [ -n "$max" ] && [ "$ELAPSED_MS" -gt "$max" ]; then
        why="took ${ELAPSED_MS} ms, expected <= $max ms"
    fi
    report "$name" "$why"
}

alive() {  # alive PID: running and not a zombie
    local state
    [ -n "$1" ] || return 1
    if [ -r "/proc/$1/stat" ]; then
        state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
        [ -n "$state" ] && [ "$state" != Z ]
    else
        kill -0 "$1" 2>/dev/null
    fi
}

dead_soon() {  # dead_soon PID...: all gone within 2 s
    local i p
    for i in $(seq 20); do
        for p in "$@"; do alive "$p" && continue 2; done
        return 0
    done
    return 1
}

wait_for_file() {  # wait_for_file FILE: up to 5 s
    local i
    for i in $(seq 50); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

NL=$'\n'

echo "# qemu-run selftest: $BIN"

# ---- expect --------------------------------------------------------------
tcase "expect: text appears, child stopped at once" 0 --max-ms 5000 \
    --out '^qemu-run: PASS \(1 lines, [0-9]+\.[0-9] s\)$' \
    "expect hello" -- sh -c 'echo say hello there; sleep 30'
tcase "expect: text missing, fails at timeout with reason" 1 \
    --min-ms 900 --max-ms 5000 \
    --err '^qemu-run: FAIL: expectation 1 \(expect "bye", line 2 of case[0-9]+\.expect\) not met before timeout \(1 s\)$' \
    "timeout 1${NL}expect bye" -- sh -c 'echo hello; sleep 30'
tcase "expect: case-sensitive" 1 --err 'expectation 1 \(expect "Hello"' \
    "expect Hello" -- sh -c 'echo hello'
tcase "expect: ordered steps in order" 0 \
    "expect a1${NL}expect b2" -- sh -c 'echo a1; echo b2; sleep 30'
tcase "expect: ordered steps out of order" 1 \
    --err 'expectation 2 .*not met' \
    "expect b2${NL}expect a1" -- sh -c 'echo a1; echo b2'
tcase "expect: one line satisfies only one step" 1 \
    --err 'expectation 2 \(expect "b2"' \
    "expect a1${NL}expect b2" -- sh -c 'echo a1b2'
tcase "expect: later steps reported as waiting" 1 \
    --err 'expectation 3 .*still waiting for expectation 2' \
    "expect a1${NL}expect zz${NL}expect yy" -- sh -c 'echo a1'

# ---- expect-re -------------------------------------------------------------
tcase "expect-re: extended regex matches" 0 \
    "expect-re ^tick [0-9]+ (ok|done)\$" -- sh -c 'echo tick 42 done'
tcase "expect-re: regex does not match" 1 \
    --err 'expectation 1 \(expect-re' \
    "expect-re ^tick [0-9]+\$" -- sh -c 'echo tick x'
tcase "expect-re: invalid regex is a syntax error" 2 \
    --err '^case[0-9]+\.expect:2: bad regular expression' \
    "# comment${NL}expect-re a(b" -- sh -c 'echo ab'

# ---- send ------------------------------------------------------------------
tcase "send: written after previous step" 0 \
    "expect ready${NL}send hello${NL}expect got:hello" \
    -- sh -c 'echo ready; read x; echo got:$x; sleep 30'
tcase "send: wrong reply fails" 1 --err 'expectation 3 \(expect "got:bye"' \
    "timeout 2${NL}expect ready${NL}send hello${NL}expect got:bye" \
    -- sh -c 'echo ready; read x; echo got:$x; sleep 30'
tcase "send: first step is sent at start" 0 \
    "send early${NL}expect got:early" -- sh -c 'read x; echo got:$x'
tcase "send: \\n escape splits lines" 0 \
    "send x\\ny${NL}expect x+y" -- sh -c 'read a; read b; echo "$a+$b"'
tcase "send: \\r escape" 0 "send a\\rb${NL}expect has-cr" \
    -- sh -c 'read l; case $l in *"$(printf "\r")"*) echo has-cr;; *) echo no-cr;; esac'
tcase "send: \\xHH escape sends a control byte" 0 "send a\\x1db${NL}expect hex:611d62" \
    -- sh -c 'read l; echo "hex:$(printf %s "$l" | od -An -tx1 | tr -d " ")"'
tcase "send: child closed stdin" 1 --err 'cannot write to the command.s stdin' \
    "expect ready${NL}send x${NL}expect never" \
    -- sh -c 'exec 0<&-; echo ready; sleep 2'

# ---- reject / reject-re ------------------------------------------------------
tcase "reject: absent text passes" 0 \
    "reject oops${NL}expect done" -- sh -c 'echo fine; echo done'
tcase "reject: present text fails immediately with line" 1 --max-ms 5000 \
    --err 'expectation 1 \(reject "oops", line 1 of .*\) violated by output line 2: "an oops here"' \
    "reject oops${NL}expect done" -- sh -c 'echo a; echo an oops here; sleep 30; echo done'
tcase "reject: wins over expect on the same line" 1 \
    "reject bad${NL}expect done" -- sh -c 'echo bad done'
tcase "reject-re: no match passes" 0 \
    "reject-re err(or)? [0-9]+${NL}expect end" -- sh -c 'echo error x; echo end'
tcase "reject-re: match fails immediately" 1 --max-ms 5000 \
    --err 'reject-re .* violated by output line 1' \
    "reject-re err(or)? [0-9]+${NL}expect end" -- sh -c 'echo error 42; sleep 30'

# ---- count -------------------------------------------------------------------
tcase "count: enough lines" 0 "count 3 tick" \
    -- sh -c 'echo tick; echo x; echo tick tick; echo tick; sleep 30'
tcase "count: too few lines" 1 --err '\(count 3 "tick".* 2 of 3 lines matched' \
    "count 3 tick" -- sh -c 'echo tick; echo tick'
tcase "count: zero is a syntax error" 2 --err '^case[0-9]+\.expect:1: bad count' \
    "count 0 tick" -- true
tcase "count: missing text is a syntax error" 2 --err ':1: count needs' \
    "count 3" -- true

# ---- before ------------------------------------------------------------------
tcase "before: A then B passes" 0 "before boot ||| ready" \
    -- sh -c 'echo boot; echo ready; sleep 30'
tcase "before: B first fails immediately" 1 --max-ms 5000 \
    --err 'violated: "ready" appeared at output line 1 before any "boot"' \
    "before boot ||| ready" -- sh -c 'echo ready; echo boot; sleep 30'
tcase "before: A and B on one line fails" 1 \
    "before boot ||| ready" -- sh -c 'echo boot ready'
tcase "before: B missing fails" 1 --err '"boot" seen at line 1, "ready" never seen' \
    "before boot ||| ready" -- sh -c 'echo boot'
tcase "before: missing ||| is a syntax error" 2 --err ':1: before needs' \
    "before boot ready" -- true

# ---- exit --------------------------------------------------------------------
tcase "exit: waits for the command, code matches" 0 --min-ms 400 \
    --out '^bye$' \
    "expect hi${NL}exit 0" -- sh -c 'echo hi; sleep 0.5; echo bye; exit 0'
tcase "exit: non-zero code required and seen" 0 \
    "exit 3" -- sh -c 'exit 3'
tcase "exit: wrong code" 1 --err 'exit 0, line 1 .*exited with status 3' \
    "exit 0" -- sh -c 'echo hi; exit 3'
tcase "exit: killed by a signal" 1 --err 'killed by signal 9' \
    "exit 0" -- sh -c 'kill -9 $$'
tcase "exit: command never exits" 1 --min-ms 900 --max-ms 6000 \
    --err 'did not exit by itself before timeout \(1 s\)' \
    "timeout 1${NL}expect hi${NL}exit 0" -- sh -c 'echo hi; sleep 30'
tcase "exit: code right but expectation unmet" 1 \
    --err 'expectation 1 \(expect "zzz".*before the command exited with status 0' \
    "expect zzz${NL}exit 0" -- sh -c 'echo hi'
tcase "exit: out-of-range code is a syntax error" 2 --err ':1: bad exit code' \
    "exit 256" -- true
tcase "exit: duplicate is a syntax error" 2 --err ':2: duplicate' \
    "exit 0${NL}exit 1" -- true

# ---- no exit declared ----------------------------------------------------------
tcase "no exit: command exits, all met, non-zero status ignored" 0 \
    "expect hi" -- sh -c 'echo hi; exit 5'
tcase "no exit: command exits with expectations unmet" 1 --max-ms 5000 \
    --err 'before the command (exited with status 0|closed its output)' \
    "expect never" -- sh -c 'echo hi'
tcase "no exit: command closes output but keeps running" 1 --max-ms 5000 \
    --err 'expectation 1 \(expect "y".*closed its output' \
    "expect y" -- sh -c 'echo x; exec >/dev/null 2>&1; sleep 30'

# ---- built-in rejects ----------------------------------------------------------
tcase "builtin: FAIL rejected" 1 --max-ms 5000 \
    --err 'built-in reject "FAIL" matched output line 1: "test 3 FAIL"' \
    "expect done" -- sh -c 'echo test 3 FAIL; sleep 30; echo done'
tcase "builtin: panic rejected" 1 --err 'built-in reject "panic"' \
    "expect done" -- sh -c 'echo kernel panic; echo done'
tcase "builtin: allow-builtin-rejects no" 0 \
    "allow-builtin-rejects no${NL}expect done" \
    -- sh -c 'echo FAIL panic; echo done'
tcase "builtin: allow-builtin-rejects bad value" 2 --err ':1: allow-builtin-rejects' \
    "allow-builtin-rejects maybe" -- true

# ---- untangle ------------------------------------------------------------------
# A whole tagged line (the core's) landing inside another writer's line.
TANGLED='printf "b[core] check 4: fine\\r\\nulkhead-linux: wrote 1f\\r\\n"; printf "a[rt] x\\r\\nb\\r[core] y\\r\\n\\n"'
tcase "untangle: the tagged line out, the other joined again" 0 \
    "untangle core rt${NL}expect-re ^\\[core\\] check 4: fine\$${NL}expect-re ^bulkhead-linux: wrote 1f\$${NL}expect-re ^\\[rt\\] x\$${NL}expect-re ^\\[core\\] y\$${NL}expect-re ^ab\$" \
    -- sh -c "$TANGLED"
tcase "untangle: without it the line stays broken" 1 \
    --err 'expectation 1 \(expect-re "\^bulkhead-linux' \
    "expect-re ^bulkhead-linux: wrote 1f\$" -- sh -c "$TANGLED"
tcase "untangle: only the tags it names" 1 \
    "untangle rt${NL}expect-re ^bulkhead-linux: wrote 1f\$" -- sh -c "$TANGLED"
tcase "untangle: a bad tag is a syntax error" 2 --err ':1: untangle: bad tag' \
    "untangle Core" -- true

# ---- timeout -------------------------------------------------------------------
tcase "timeout: --timeout overrides the file" 1 --min-ms 900 --max-ms 5000 \
    --err 'before timeout \(1 s\)' \
    "timeout 30${NL}expect never" --timeout 1 -- sh -c 'sleep 30'
tcase "timeout: longer --timeout overrides short file timeout" 0 \
    --min-ms 1400 "timeout 1${NL}expect late" --timeout 30 \
    -- sh -c 'sleep 1.5; echo late'
tcase "timeout: fractional seconds" 1 --max-ms 3000 --err 'timeout \(0.5 s\)' \
    "timeout 0.5${NL}expect never" -- sh -c 'sleep 30'
tcase "timeout: bad number is a syntax error" 2 --err '^case[0-9]+\.expect:1: bad timeout' \
    "timeout soon" -- true
tcase "timeout: bad --timeout value" 2 --err 'bad --timeout' \
    "expect x" --timeout -3 -- true

# ---- syntax and usage errors -----------------------------------------------------
tcase "syntax: unknown directive" 2 --err '^case[0-9]+\.expect:3: unknown directive .expext.' \
    "# comment${NL}${NL}expext hello" -- true
tcase "syntax: missing argument" 2 --err ':1: .expect. needs an argument' \
    "expect   " -- true
tcase "syntax: comments, blank lines and trimming" 0 \
    "# a comment${NL}${NL}   expect    hello   ${NL}	# indented comment" \
    -- sh -c 'echo hello'
NCASE=$((NCASE + 1))
"$BIN" "$TMP/does-not-exist.expect" -- true > out 2> err; RC=$?
report "usage: nonexistent expectation file" \
    "$([ $RC -eq 2 ] && grep -q 'cannot open' err || echo "exit status $RC")"
NCASE=$((NCASE + 1))
printf 'expect x\n' > plain.expect
"$BIN" plain.expect sh -c true > out 2> err; RC=$?
report "usage: missing --" "$([ $RC -eq 2 ] && grep -q usage: err || echo "exit status $RC")"
NCASE=$((NCASE + 1))
"$BIN" plain.expect -- > out 2> err; RC=$?
report "usage: empty command" "$([ $RC -eq 2 ] || echo "exit status $RC")"
NCASE=$((NCASE + 1))
"$BIN" --bogus plain.expect -- true > out 2> err; RC=$?
report "usage: unknown option" "$([ $RC -eq 2 ] && grep -q 'unknown option' err || echo "exit status $RC")"
tcase "usage: command not found" 2 --err 'cannot execute' \
    "expect x" -- /nonexistent/qemu-system-aarch64 -M virt

# ---- line handling, log and quiet ------------------------------------------------
tcase "lines: CR stripped before matching" 0 "expect-re ^abc\$" \
    -- sh -c 'printf "abc\r\n"'
tcase "lines: partial last line counts" 0 "expect tail-no-newline" \
    -- sh -c 'printf "x\ntail-no-newline"'
tcase "lines: 10000-byte line split into 3" 0 "count 3 aaaa" \
    -- sh -c 'head -c 10000 /dev/zero | tr "\0" a; echo'
tcase "lines: 10000-byte line not split into 4" 1 "count 4 aaaa" \
    -- sh -c 'head -c 10000 /dev/zero | tr "\0" a; echo'
tcase "lines: exactly 4096 bytes + newline is one line" 0 \
    --out 'PASS \(2 lines' \
    "expect end" -- sh -c 'head -c 4096 /dev/zero | tr "\0" a; echo; echo end'
tcase "lines: stderr is merged" 0 "expect to-stderr" \
    -- sh -c 'echo to-stderr >&2'

run "expect two" --log "$TMP/run.log" -- sh -c 'printf "one\r\ntwo\n"'
printf 'one\ntwo\n' > want.log
report "log: --log has every line, CR stripped" \
    "$([ $RC -eq 0 ] && cmp -s want.log run.log || echo "exit $RC / log differs")"
tcase "quiet: --quiet suppresses output echo" 0 --no-out '^secret$' \
    --out 'qemu-run: PASS' "expect secret" --quiet -- sh -c 'echo secret'
tcase "quiet: output is echoed without --quiet" 0 --out '^secret$' \
    "expect secret" -- sh -c 'echo secret'
tcase "log: unwritable log file" 2 --err 'cannot open log' \
    "expect x" --log "$TMP/no/such/dir/x.log" -- true

# ---- process hygiene -------------------------------------------------------------
run "expect started" -- sh -c 'sleep 300 & echo $! > bg.pid; echo started; wait'
report "group: background grandchild killed" \
    "$([ $RC -eq 0 ] && dead_soon "$(cat bg.pid)" || echo "exit $RC or grandchild alive")"

run "expect hi" -- sh -c 'trap "" TERM; sleep 300 & echo $! > ign.pid; echo hi; wait'
why=""
[ "$RC" -eq 0 ] || why="exit status $RC"
[ -z "$why" ] && [ "$ELAPSED_MS" -lt 1800 ] && why="no 2 s grace (${ELAPSED_MS} ms)"
[ -z "$why" ] && [ "$ELAPSED_MS" -gt 6000 ] && why="took ${ELAPSED_MS} ms"
[ -z "$why" ] && ! dead_soon "$(cat ign.pid)" && why="SIGTERM-ignoring child survived"
report "group: SIGTERM ignored, SIGKILL after 2 s" "$why"

NCASE=$((NCASE + 1))
printf 'expect never\n' > sig.expect
rm -f sig.pid
"$BIN" sig.expect -- sh -c 'sleep 300 & echo $! > sig.pid; wait' > out 2> err &
runner=$!
why=""
if wait_for_file sig.pid; then
    t0=$(now_ms)
    kill -TERM "$runner"
    wait "$runner"; RC=$?
    [ "$RC" -ne 0 ] || why="runner exited 0 after SIGTERM"
    [ -z "$why" ] && [ $(( $(now_ms) - t0 )) -gt 5000 ] && why="slow to stop"
    [ -z "$why" ] && ! dead_soon "$(cat sig.pid)" && why="child survived the runner"
    [ -z "$why" ] && ! grep -q 'interrupted by signal 15' err && why="no interruption message"
else
    why="child never started"; kill -KILL "$runner"; wait "$runner"
fi
report "signal: SIGTERM to runner kills the command group (status $RC)" "$why"

NCASE=$((NCASE + 1))
printf 'timeout 3\nexpect x\nexit 0\n' > idle.expect
"$BIN" idle.expect -- sh -c 'echo x; exec >/dev/null 2>&1; sleep 30' > out 2> err &
runner=$!
sleep 2
ticks=$(awk '{print $14 + $15}' "/proc/$runner/stat" 2>/dev/null || echo 0)
wait "$runner"; RC=$?
why=""
[ "$RC" -eq 1 ] || why="exit status $RC, expected 1"
[ -z "$why" ] && [ "$ticks" -gt 20 ] && why="runner used $ticks CPU ticks in 2 s (busy loop?)"
[ -z "$why" ] && ! grep -q 'did not exit by itself before timeout' err && why="wrong reason"
report "idle: closed output + exit wait does not busy-loop ($ticks ticks)" "$why"

echo "# $NCASE cases, $NBAD misbehaved"
[ "$NBAD" -eq 0 ]
