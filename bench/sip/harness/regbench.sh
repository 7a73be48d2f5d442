#!/usr/bin/env bash
# REGISTER throughput sweep on loopback: SIPp (register.xml) -> registrar under test
# Usage: ./regbench.sh [rates...]     (default 1000 2000 3000 4000 5000)
# Env: START_KAMAILIO=1 (Kamailio with -A WITH_LOCATION: usrloc db_mode=0, no auth)
#      START_KAMAILIO=0 PROXY_PID=<pid>: your own registrar on $TARGET (pid for CPU accounting)
#      CHILDREN=4 DUR=20 TARGET=127.0.0.1:5060 UAC_PORT=5061 OUT=./reg-<timestamp>
# STEP_TIMEOUT=DUR+60: a step's SIPp is stopped after this many seconds and reported as FAIL(timeout).
# SETTLE=30: (PROXY_PID) after a step, wait up to this long for the server to fall below 20 % of a core.
# Each step registers rate*DUR *new* AORs (u<prefix><n>), expires 3600, no auth.
# With digest auth: SCENARIO=register-auth.xml INF=users.csv AUTH_DOMAIN=<domain> [KAM_DEFS="-A WITH_AUTH"]
#   INF is a SIPp injection file "user;password;domain" (first line SEQUENTIAL); each REGISTER takes the
#   next line (wrapping around: re-registrations of existing AORs), answers the 401 with that user's
#   credentials (-au [field0] -ap [field1]; digest uri sip:AUTH_DOMAIN).
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
START_KAMAILIO=${START_KAMAILIO:-1}; CHILDREN=${CHILDREN:-4}; DUR=${DUR:-20}
TARGET=${TARGET:-127.0.0.1:5060}; UAC_PORT=${UAC_PORT:-5061}
OUT=${OUT:-$HERE/reg-$(date +%Y%m%d-%H%M%S)}
STEP_TIMEOUT=${STEP_TIMEOUT:-$(( DUR + 60 ))}; SETTLE=${SETTLE:-30}
SCENARIO=${SCENARIO:-register.xml}; INF=${INF:-}; AUTH_DOMAIN=${AUTH_DOMAIN:-}; KAM_DEFS=${KAM_DEFS:-}
AUTHARGS=(); [ -n "$INF" ] && AUTHARGS=(-inf "$INF" -au '[field0]' -ap '[field1]' -auth_uri "$AUTH_DOMAIN")
RATES=("$@"); [ ${#RATES[@]} -eq 0 ] && RATES=(1000 2000 3000 4000 5000)
mkdir -p "$OUT"; cd "$OUT" || exit 1
KPID=""; PROXY_PID=${PROXY_PID:-}
# SIGTERM, then SIGKILL if Kamailio is still there after 10 s
stop_kam() { [ -z "$KPID" ] && return 0; kill "$KPID" 2>/dev/null; for _ in $(seq 1 100); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null; }
trap stop_kam EXIT
trap 'exit 130' INT TERM
HZ=$(getconf CLK_TCK)
cpu_ticks() { local t=0 c; for c in $1 $(ps -o pid= --ppid "$1" 2>/dev/null); do
  [ -r /proc/$c/stat ] && t=$(( t + $(awk '{print $14+$15}' /proc/$c/stat) )); done; echo $t; }
settle() { local p=$1 a b; [ -z "$p" ] && return 0; for _ in $(seq 1 "$SETTLE"); do
  a=$(cpu_ticks "$p"); sleep 1; b=$(cpu_ticks "$p"); [ $(( (b - a) * 100 / HZ )) -lt 20 ] && return 0; done
  echo "  (server still busy after ${SETTLE} s)" | tee -a summary.txt; }
col() { awk -F';' -v n="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} END{print $c}' "$1"; }
if [ "$START_KAMAILIO" = 1 ]; then
  kamailio -DD -E -w "$PWD" -f "$HERE/kamailio-bench.cfg" -A "NCHILDREN=$CHILDREN" -A WITH_LOCATION $KAM_DEFS -m 1024 -M 16 > kamailio.log 2>&1 &
  KPID=$!; sleep 2; kill -0 "$KPID" || { cat kamailio.log; exit 1; }
  echo "kamailio pid $KPID children=$CHILDREN mode=registrar(usrloc db_mode=0) $KAM_DEFS scenario=$SCENARIO" | tee -a summary.txt
fi
printf '%-6s %-7s %-8s %-6s %-7s %-8s %-9s %-9s %s\n' rate regs success fail retrans rps_avg kam_cpu% uac_cpu% verdict | tee -a summary.txt
i=0
for R in "${RATES[@]}"; do
  i=$((i+1)); N=$(( R * DUR ))
  CPID=${KPID:-$PROXY_PID}
  k0=$( [ -n "$CPID" ] && cpu_ticks "$CPID" || echo 0 ); t0=$(date +%s.%N)
  ( timeout -k 5 "$STEP_TIMEOUT" sipp -sf "$HERE/$SCENARIO" "$TARGET" "${AUTHARGS[@]}" -i 127.0.0.1 -ci 127.0.0.1 -p "$UAC_PORT" -s "s${i}u" -r "$R" -m "$N" -l 15000 \
      -nostdin -timeout $(( DUR + 40 )) -buff_size 4194304 -max_recv_loops 10000 -max_sched_loops 10000 \
      -trace_stat -stf "reg_${R}.csv" -fd 1 -trace_err -error_file "reg_${R}_errors.log" > "reg_${R}.screen" 2>&1
    echo "rc=$?" > "reg_${R}.rc"; times > "reg_${R}.times" )
  t1=$(date +%s.%N); k1=$( [ -n "$CPID" ] && cpu_ticks "$CPID" || echo 0 )
  S=$(col "reg_${R}.csv" 'SuccessfulCall(C)'); F=$(col "reg_${R}.csv" 'FailedCall(C)'); RT=$(col "reg_${R}.csv" 'Retransmissions(C)')
  EL=$(col "reg_${R}.csv" 'ElapsedTime(C)'); WALL=$(echo "$t1 - $t0" | bc -l)
  RPS=$(python3 -c "import sys; h,m,s=sys.argv[1].split(':'); e=int(h)*3600+int(m)*60+float(s); print('%.0f'%(int(sys.argv[2])/e if e>0 else 0))" "$EL" "${S:-0}")
  UACT=$(sed -n 2p "reg_${R}.times" | awk '{gsub(/m/," ");gsub(/s/,""); print ($1*60+$2)+($3*60+$4)}')
  KC=$(echo "100*($k1-$k0)/$HZ/$WALL" | bc -l); AC=$(echo "100*$UACT/$WALL" | bc -l)
  V=PASS; { [ "${F:-1}" != 0 ] || [ "${S:-0}" != "$N" ]; } && V=FAIL
  case "$(cat "reg_${R}.rc")" in rc=124|rc=137) V="FAIL(timeout)";; esac
  printf '%-6s %-7s %-8s %-6s %-7s %-8s %-9.0f %-9.0f %s (%s)\n' "$R" "$N" "$S" "$F" "$RT" "$RPS" "$KC" "$AC" "$V" "$(cat reg_${R}.rc)" | tee -a summary.txt
  sleep 3
  [ -z "$KPID" ] && settle "$PROXY_PID"
done
[ -n "$KPID" ] && kamcmd -s "unix:$PWD/kamailio_ctl" stats.get_statistics usrloc: > kamailio_usrloc_stats.txt 2>&1
