#!/bin/bash
# Re-runs the probes of the hardening issue (docs/robustness.md) against an invscale binary and
# prints one line per probe: what was done, the exit status, and what the user sees (the first
# line of standard error, run.json's status, a file's type, a time). Small sizes: about 3 minutes.
#
#   scripts/hardening-probes.sh [BINARY]      (default .build/release/invscale)
#
# Needs mpirun for the multi-process probes, root for the device probes, python3 for three
# fixtures (a NaN array, a PNG that declares 20000² pixels, misshapen weights); a probe whose
# requirement is missing says so and is skipped.
set -u
BIN=$(realpath "${1:-.build/release/invscale}")
W=$(mktemp -d /tmp/invscale-probes-XXXXXX)
trap 'pkill -KILL -f "$W" 2>/dev/null; rm -rf "$W"' EXIT
cd "$W" || exit 1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_plm_rsh_agent=false

say() { printf '%-58s %s\n' "$1" "$2"; }
first_error() { head -c 2000 "$1" | tr -d '\r' | grep -v '^$' | head -1 | cut -c1-150; }
status_of() { grep -ho '"status" : "[a-z]*"' "$1"/*/run.json 2>/dev/null | sed 's/.*: //' | tr -d '"' | tr '\n' ' '; }
# probe NAME COMMAND...: runs the command (60 s limit), reports its status and first stderr line.
probe() {
  local name=$1; shift
  timeout 60 "$@" > out.txt 2> err.txt; local rc=$?
  say "$name" "exit $rc: $(first_error err.txt)"
}
config() { # config FILE [SOLVER LINES...]: tomography_2d 64², PnP-TV
  local file=$1; shift
  { printf 'dataset:\n  - tomography_2d:\n      img_size: 64\n      num_angles: 30\n      num_operators: 3\nsolver:\n  - PnP:\n      denoiser: tv\n      tv_iterations: 10\n      denoiser_sigma: 0.001\n'
    for line in "$@"; do printf '      %s\n' "$line"; done
    printf 'max-runs: %s\n' "${ITER:-1000000}"; } > "$file"
}
wait_rows() { # wait_rows OUTPUT N: until a run folder has N CSV rows (30 s at most)
  for _ in $(seq 300); do
    local csv; csv=$(ls "$1"/*/metrics_rank0.csv 2>/dev/null | head -1)
    [ -n "$csv" ] && [ "$(($(wc -l < "$csv") - 1))" -ge "$2" ] && return 0
    sleep 0.1
  done; return 1
}
gone() { ! [ -e "/proc/$1" ] || grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

echo "invscale probes, $(date -u +%FT%TZ), $("$BIN" version 2>/dev/null | head -1)"

# 1. Two runs into one output folder.
config slow.yml
"$BIN" run slow.yml --output O1 --threads 1 > first.txt 2>&1 & FIRST=$!
wait_rows O1 1
probe "1  second run on the same folder" "$BIN" run slow.yml --output O1 --threads 1
kill -TERM $FIRST; wait $FIRST 2>/dev/null
say "1  first run after SIGTERM" "run.json: $(status_of O1)"

# 2. Writers: devices, FIFOs, links; report --output on a full disk.
printf "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (8, 8), }" > in.npy
printf "%*s\n" $((127 - $(wc -c < in.npy))) '' >> in.npy
head -c 256 /dev/zero >> in.npy
if [ "$(id -u)" = 0 ]; then
  mknod null c 1 3; mknod full c 1 7
  probe "2  denoise onto a char device (1,3)" "$BIN" denoise --model bundled --sigma 0.05 in.npy null
  say "2  ... the path is still" "$(stat -c %F null)"
  probe "2  denoise onto /dev/full (1,7)" "$BIN" denoise --model bundled --sigma 0.05 in.npy full
  say "2  ... the path is still" "$(stat -c %F full)"
else say "2  devices" "skipped: mknod needs root"; fi
mkfifo fifo
probe "2  denoise onto a FIFO nobody reads" "$BIN" denoise --model bundled --sigma 0.05 in.npy fifo
say "2  ... the path is still" "$(stat -c %F fifo)"
"$BIN" denoise --model bundled --sigma 0.05 in.npy target.npy >/dev/null 2>&1; ln -s target.npy link.npy
probe "2  denoise onto a symlink" "$BIN" denoise --model bundled --sigma 0.05 in.npy link.npy
say "2  ... the link is still" "$(stat -c %F link.npy)"
if [ "$(id -u)" = 0 ] && mkdir tiny && mount -t tmpfs -o size=64k tmpfs tiny 2>/dev/null; then
  ITER=1 config one.yml; "$BIN" run one.yml --output R2 --threads 1 >/dev/null 2>&1
  "$BIN" report R2 --output tiny/report.html >/dev/null 2>&1; before=$(md5sum < tiny/report.html)
  head -c 40000 /dev/urandom > tiny/filler 2>/dev/null
  probe "2  report --output on a full disk" "$BIN" report R2 --output tiny/report.html
  say "2  ... previous report intact, no temporary" "$([ "$before" = "$(md5sum < tiny/report.html)" ] && echo yes || echo NO); files: $(ls -A tiny | tr '\n' ' ')"
  umount tiny
else say "2  full disk" "skipped: mounting a tmpfs needs root"; fi

# 3. Sizes from input, checked before allocation.
printf 'dataset:\n  - tomography_2d:\n      img_size: 10000000\nsolver: [PnP]\n' > big.yml
probe "3  img_size: 10000000 (--plan)" "$BIN" run big.yml --plan
probe "3  op parallel2d --angles 1000000000" "$BIN" op parallel2d --size 64 --angles 1000000000 in.npy out.npy
probe "3  dataset --img-size 10000000" "$BIN" dataset tomography_2d --img-size 10000000 --export ds
printf 'dataset:\n  - tomography_2d:\n      num_angles: 100000000\nsolver: [PnP]\n' > angles.yml
probe "3  num_angles: 100000000 (--plan)" "$BIN" run angles.yml --plan
if command -v python3 >/dev/null; then
  python3 - <<'EOF'
import struct, zlib
def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
row = b"\x00" + b"\x00" * 20000
raw = zlib.compress(row * 20000, 9)
open("huge.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
EOF
  say "3  PNG of $(stat -c %s huge.png) bytes declaring 20000²" ""
  INVSCALE_MEMORY_LIMIT_MB=256 probe "3  ... denoise it (256 MiB budget)" "$BIN" denoise --model bundled --sigma 0.05 huge.png out.png
fi

# 4. Configs that would exhaust memory before anything runs (max RSS in MiB from /usr/bin/time).
{ printf 'dataset: [tomography_2d]\nsolver: [PnP]\nplot:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n'
  prev=a; for name in b c d e f g h i j; do printf '  %s: &%s [' $name $name; for k in 1 2 3 4 5 6 7 8 9; do printf '*%s, ' $prev; done; printf '*%s]\n' $prev; prev=$name; done; } > laughs.yml
printf 'dataset: [tomography_2d]\nsolver: [PnP]\nn-repetitions: 100000000\n' > reps.yml
{ printf 'dataset:\n  - tomography_2d:\n'; for key in img_size num_angles seed noise_level; do printf '      %s: [%s]\n' $key "$(seq -s ', ' 10 39)"; done
  printf 'solver:\n  - PnP:\n'; for key in denoiser_sigma step_size_scale; do printf '      %s: [%s]\n' $key "$(seq -s ', ' 1 30)"; done; } > axes.yml
for f in laughs reps axes; do
  /usr/bin/time -f '%M' -o rss.txt timeout 60 "$BIN" run $f.yml --plan > out.txt 2> err.txt; rc=$?
  say "4  $f.yml --plan" "exit $rc, max RSS $(( $(tail -1 rss.txt) / 1024 )) MiB: $(first_error err.txt)"
done

# 5. Process counts.
for pair in "slurm_nodes: 4611686018427387904|slurm_ntasks_per_node: 4" "slurm_nodes: 3|slurm_ntasks_per_node: 6148914691236517206" \
            "torchrun_nproc_per_node: 9223372036854775807|distribute_physics: true" "slurm_ntasks_per_node: 2000|distribute_physics: true"; do
  ITER=2 config procs.yml "${pair%%|*}" "${pair##*|}"
  probe "5  ${pair%%|*}" "$BIN" run procs.yml --plan
done

# 6, 7. A stuck rank; a killed parent.
if command -v mpirun >/dev/null; then
  ITER=6 config stuck.yml "slurm_ntasks_per_node: 2" "distribute_physics: true"
  start=$(date +%s.%N)
  INVSCALE_DEBUG_FAIL=1:2:stop timeout 300 "$BIN" run stuck.yml --output O6 --launcher mpirun --threads 1 --stall-timeout 10 > out.txt 2> err.txt; rc=$?
  took=$(echo "$(date +%s.%N) - $start" | bc)
  left=0; for f in O6/*/rank*.pid; do gone "$(awk '{print $1}' "$f")" || left=$((left + 1)); done
  say "6  rank 1 SIGSTOPped, --stall-timeout 10" "exit $rc after ${took%.*} s, run.json $(status_of O6), ranks left: $left"
  say "6  ... error" "$(grep -ho '"error" : "[^"]*' O6/*/run.json | cut -c12-140)"
  config live.yml "slurm_ntasks_per_node: 2" "distribute_physics: true"
  "$BIN" run live.yml --output O7 --launcher mpirun --threads 1 > /dev/null 2>&1 & PARENT=$!
  wait_rows O7 2; pids=$(awk '{print $1}' O7/*/rank*.pid)
  kill -KILL $PARENT; killed=$(date +%s.%N); wait $PARENT 2>/dev/null
  for _ in $(seq 100); do all=1; for p in $pids; do gone "$p" || all=0; done; [ $all = 1 ] && break; sleep 0.05; done
  say "7  kill -9 of invscale run" "ranks gone after $(echo "$(date +%s.%N) - $killed" | bc | cut -c1-4) s (all gone: $all), run.json $(status_of O7)"
else say "6, 7  stuck rank, killed parent" "skipped: no mpirun"; fi

# 8. Non-finite numbers.
ITER=3 config inf.yml "denoiser_lambda_relaxation: .inf"
probe "8  denoiser_lambda_relaxation: .inf" "$BIN" run inf.yml --output O8 --threads 1
ITER=20 config diverge.yml "step_size: 1.0e+30"
probe "8  step_size: 1e30" "$BIN" run diverge.yml --output O8b --threads 1
say "8  ... run.json" "$(status_of O8b)$(grep -ho '"error" : "[^"]*' O8b/*/run.json | cut -c12-60)"
cp in.npy nan.npy; printf '\x00\x00\xc0\x7f' | dd of=nan.npy bs=1 seek=$((128 + 4 * 19)) conv=notrunc 2>/dev/null
probe "8  metrics on an image with a NaN" "$BIN" metrics nan.npy in.npy
probe "8  denoise on an image with a NaN" "$BIN" denoise --model bundled --sigma 0.05 nan.npy out.npy

# 9. Logs.
ITER=3 config three.yml
"$BIN" run three.yml --output O9 --threads 1 | cat > piped.txt & PIPE=$!
sleep 1.5; say "9  progress through | cat while running" "$(grep -c 'it ' piped.txt) progress lines after 1.5 s"; wait $PIPE
"$BIN" run slow.yml --output O9b --threads 1 > killed.txt 2>&1 & K=$!; wait_rows O9b 2; kill -KILL $K; wait $K 2>/dev/null
say "9  log of a run killed with -9" "$(wc -l < killed.txt) lines"

# 10. The report on a corrupt run.json.
mkdir -p O9/broken; echo '{"status": 3' > O9/broken/run.json
probe "10 report with a corrupt run.json" "$BIN" report O9

# 11. Errors users meet.
touch afile; probe "11 --output FILE" "$BIN" run three.yml --output afile
printf 'dataset:\n  - tomography_2d:\n      img_size: 4\nsolver: [PnP]\n' > small.yml; probe "11 img_size: 4" "$BIN" run small.yml --plan
printf 'dataset:\n  - tomography_2d:\n      num_angles: 4\n      num_operators: 8\nsolver: [PnP]\n' > ops.yml; probe "11 num_operators > num_angles" "$BIN" run ops.yml --plan
printf '\xef\xbb\xbfdataset: [tomography_2d]\nsolver: [PnP]\n' > bom.yml; probe "11 config with a UTF-8 BOM" "$BIN" run bom.yml --plan
printf 'dataset:\n  - tomography_2d:\n      img_size: !!int "64"\nsolver: [PnP]\n' > tag.yml; probe "11 !!int \"64\"" "$BIN" run tag.yml --plan
printf 'dataset: [tomo\x1b[31mgraphy]\nsolver: [PnP]\n' > esc.yml; probe "11 config with an ESC character" "$BIN" run esc.yml --plan
say "11 ... raw ESC bytes on stderr" "$(grep -c $'\x1b' err.txt)"
probe "11 denoise --overlap 32 --patch 32" "$BIN" denoise --model bundled --sigma 0.05 --patch 32 --overlap 32 in.npy out.npy
printf 'dataset: [tomography_2d]\nsolver:\n  - PnP:\n      denoiser_weights: [bundled, random]\nmax-runs: 1\n' > labels.yml
"$BIN" run labels.yml --plan > out.txt 2>&1; say "11 labels of runs differing in weights" "$(grep -c '^#' out.txt) runs, $(grep '^#' out.txt | cut -d' ' -f3- | sort -u | wc -l) distinct labels"
"$BIN" run slow.yml --output O11 --threads 1 > /dev/null 2>&1 & H=$!; wait_rows O11 2; kill -HUP $H; wait $H; rc=$?
say "11 SIGHUP during a run" "exit $rc, run.json $(status_of O11)"
ITER=2 config two.yml "slurm_ntasks_per_node: 2"; probe "11 --launcher local, only multi-process rows" "$BIN" run two.yml --output O11b --launcher local
"$BIN" run slow.yml --output O11c --threads 1 > /dev/null 2>&1 & D=$!; wait_rows O11c 2; kill -INT $D; kill -INT $D; wait $D; rc=$?
say "11 double Ctrl-C" "exit $rc, run.json $(status_of O11c)"
