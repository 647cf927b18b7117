# Shared by the benchmark scripts (sourced, not run): timing a step, reading a summary field, billing against the truth.
# The caller sets $work, where each step's timing is kept.

# step NAME COMMAND...: runs COMMAND; records its wall seconds in wall[NAME] and its peak RSS in MB (the largest of the
# command and its children) in rss[NAME] where GNU time exists, else "n/a".
declare -A wall rss
step() {
  local name="$1"; shift
  local timing="$work/$name.time"
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f "%e %M" -o "$timing" "$@"
    read -r "wall[$name]" kb < "$timing"
    rss[$name]=$((kb / 1024))
  else
    local start end
    start=$(date +%s.%N); "$@"; end=$(date +%s.%N)
    wall[$name]=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
    rss[$name]="n/a"
  fi
}

# field FILE NAME: the number after NAME= in a CLI summary line (whole words only: hours= is not job_hours=).
field() { grep -ow "$2=[0-9]*" "$1" | head -1 | cut -d= -f2; }

# compare TRUTH_CSV USAGE_CSV...: billed (month, institution, model) lines against the simulator's truth, jobs equal and
# GPU-hours within 0.001 h. Prints "lines differing".
compare() { awk -F, '
  FNR == 1 { next }
  FILENAME ~ /truth/ { truth[$1","$2","$3] = $4","$5; next }
  { billed[$1","$2","$3] = $4","$5 }
  END {
    for (k in truth) {
      n++; split(truth[k], t, ","); split((k in billed) ? billed[k] : "x,-1", b, ",")
      if (t[1] != b[1] || (t[2] - b[2]) > 0.001 || (b[2] - t[2]) > 0.001) d++
    }
    print n, d + 0
  }' "$@"; }
