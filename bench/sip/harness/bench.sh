#!/usr/bin/env bash
# SIP call-rate (CPS) sweep on loopback:  SIPp UAC -> proxy under test -> SIPp UAS
#
# Usage: ./bench.sh [rates...]      e.g.  ./bench.sh 1000 2000 2000 2000 2400
#        (a rate may be repeated: every step is an independent trial)
# Environment:
#   START_KAMAILIO=1   start Kamailio (kamailio-bench.cfg) for every step;
#                      0 = test your own proxy already listening on $TARGET and
#                      routing initial INVITEs to 127.0.0.1:$UAS_PORT
#   FRESH=1            restart Kamailio and the SIPp UAS before every step, so a
#                      collapse in one step cannot poison the next (default 1)
#   CHILDREN=8         Kamailio UDP worker processes
#   MODE=static        static: proxy forwards to 127.0.0.1:$UAS_PORT
#                      location: pre-REGISTER $NUSERS AORs (u1..uN, contact =
#                      UAS), calls use lookup("location")
#   NUSERS=10000       AORs registered in location mode
#   DUR=20             seconds per step (calls per step = rate * DUR)
#   HOLD=0             call hold time in ms (SIPp -d)
#   TARGET=127.0.0.1:5060   UAS_PORT=5070   UAC_PORT=5061
#   PROXY_PID=<pid>    (START_KAMAILIO=0) pid of your server, for CPU accounting
#   OUT=./results-<timestamp>
#   STEP_TIMEOUT=DUR+60  seconds a step's SIPp caller may run at all: it is then stopped (SIGTERM, SIGKILL
#                      5 s later) and the step is reported as FAIL(timeout), with the counts SIPp had
#                      written so far (its -timeout alone does not stop it while calls are stuck)
#   SETTLE=30          (PROXY_PID) after a step, wait up to this many seconds for the server's CPU to
#                      fall below 20 % of a core, so a backlog of one step does not spill into the next
# Pass criterion per step: every one of rate*DUR calls succeeded (SIPp
# FailedCall == 0).  Also printed: retransmissions, avg INVITE->200 time, avg
# call length, CPU% (100 = one core) of proxy / UAC / UAS, and kernel UDP
# receive-buffer drops per socket (proxy/uac/uas) from /proc/net/udp.
# Everything stays on 127.0.0.1 (SIPp control sockets too: -ci); every SIPp run is bounded by -m, -timeout
# and coreutils timeout (STEP_TIMEOUT), so an overloaded step is reported as failed and the sweep goes on.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
START_KAMAILIO=${START_KAMAILIO:-1}
FRESH=${FRESH:-1}
CHILDREN=${CHILDREN:-8}
MODE=${MODE:-static}
NUSERS=${NUSERS:-10000}
DUR=${DUR:-20}
HOLD=${HOLD:-0}
TARGET=${TARGET:-127.0.0.1:5060}
UAS_PORT=${UAS_PORT:-5070}
UAC_PORT=${UAC_PORT:-5061}
PROXY_PID=${PROXY_PID:-}
OUT=${OUT:-$HERE/results-$(date +%Y%m%d-%H%M%S)}
STEP_TIMEOUT=${STEP_TIMEOUT:-$(( DUR + 60 ))}
SETTLE=${SETTLE:-30}
RATES=("$@"); [ ${#RATES[@]} -eq 0 ] && RATES=(500 1000 1500 2000 2200 2400 2600 2800)
mkdir -p "$OUT"; cd "$OUT" || exit 1
TPORT=${TARGET##*:}
HZ=$(getconf CLK_TCK)

KPID=""; UPID=""
# SIGTERM, then SIGKILL if the process is still there after 10 s; never waits longer.
stop_pid() {
  local p=$1 i
  kill "$p" 2>/dev/null || return 0
  for i in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null
  wait "$p" 2>/dev/null
}
stop_servers() {
  [ -n "$UPID" ] && stop_pid "$UPID"
  [ -n "$KPID" ] && stop_pid "$KPID"
  UPID=""; KPID=""
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

start_servers() {   # $1 = step tag
  if [ "$START_KAMAILIO" = 1 ]; then
    local DEF=(-A "NCHILDREN=$CHILDREN"); [ "$MODE" = location ] && DEF+=(-A WITH_LOCATION)
    kamailio -DD -E -w "$PWD" -f "$HERE/kamailio-bench.cfg" "${DEF[@]}" -m 512 -M 16 > "kamailio_$1.log" 2>&1 &
    KPID=$!
    sleep 2
    kill -0 "$KPID" 2>/dev/null || { echo "kamailio failed to start"; cat "kamailio_$1.log"; exit 1; }
  fi
  sipp -sf "$HERE/uas.xml" -i 127.0.0.1 -ci 127.0.0.1 -p "$UAS_PORT" -nostdin -timeout $(( DUR + 120 )) -buff_size 4194304 \
       -trace_stat -stf "uas_$1.csv" -fd 1 -trace_err -error_file "uas_$1_errors.log" > "uas_$1.screen" 2>&1 &
  UPID=$!
  sleep 1
  if [ "$MODE" = location ]; then
    timeout -k 5 90 sipp -sf "$HERE/register.xml" "$TARGET" -i 127.0.0.1 -ci 127.0.0.1 -p "$UAC_PORT" -s u -r 2000 -m "$NUSERS" \
         -nostdin -timeout 60 -buff_size 4194304 -trace_stat -stf "reg_$1.csv" -fd 1 \
         -trace_err -error_file "reg_$1_errors.log" > "reg_$1.screen" 2>&1
    echo "  (pre-registered $NUSERS AORs: sipp rc=$?)" >> summary.txt
  fi
}

# sum of utime+stime (clock ticks) of a pid and its direct children
cpu_ticks() {
  local p=$1 t=0 c
  [ -z "$p" ] && { echo 0; return; }
  for c in $p $(ps -o pid= --ppid "$p" 2>/dev/null); do
    [ -r /proc/$c/stat ] || continue
    t=$(( t + $(awk '{print $14+$15}' /proc/$c/stat) ))
  done
  echo $t
}
# kernel receive-buffer drops per local UDP port (column "drops" of /proc/net/udp)
udp_drops() {
  python3 -c '
import sys
want=[int(p) for p in sys.argv[1:]]; d={p:0 for p in want}
for l in open("/proc/net/udp").read().splitlines()[1:]:
    f=l.split(); port=int(f[1].split(":")[1],16)
    if port in d: d[port]+=int(f[-1])
print(" ".join(str(d[p]) for p in want))' "$@"
}
col() { # col <csvfile> <column-name> -> value in last row (SIPp stat csv uses ';')
  awk -F';' -v n="$2" 'NR==1{for(i=1;i<=NF;i++) if($i==n) c=i} END{print $c}' "$1"
}
ms() { awk -F: '{printf "%.0fms", ($1*3600+$2*60+$3)*1000+$4/1000}'; }
# (PROXY_PID) waits until the server under test uses under 20 % of a core over a second, SETTLE s at most
settle() {
  local p=$1 i a b
  [ -z "$p" ] && return 0
  for i in $(seq 1 "$SETTLE"); do
    a=$(cpu_ticks "$p"); sleep 1; b=$(cpu_ticks "$p")
    [ $(( (b - a) * 100 / HZ )) -lt 20 ] && return 0
  done
  echo "  (server still busy after ${SETTLE} s)" | tee -a summary.txt
}

UACSF="$HERE/uac.xml"; INF=()
if [ "$MODE" = location ]; then
  printf 'SEQUENTIAL\n' > users.csv; for i in $(seq 1 "$NUSERS"); do echo "u$i" >> users.csv; done
  UACSF="$HERE/uac-loc.xml"; INF=(-inf users.csv)
fi

{ echo "# $(date -u +%FT%TZ) mode=$MODE children=$CHILDREN dur=${DUR}s hold=${HOLD}ms fresh=$FRESH target=$TARGET"
  echo "# $(nproc) cpus; $(kamailio -v 2>/dev/null | head -1); $(sipp -v 2>&1 | grep -m1 SIPp | sed 's/^ *//')"
  printf '%-6s %-7s %-8s %-6s %-7s %-8s %-7s %-8s %-9s %-9s %-9s %-6s %s\n' rate calls success fail retrans cps_avg inv_rtt call_len proxy_cpu uac_cpu uas_cpu verdict 'udp_drops(proxy/uac/uas)'
} | tee -a summary.txt

[ "$FRESH" = 1 ] || start_servers all
STEP=0
for R in "${RATES[@]}"; do
  STEP=$((STEP+1)); T="${STEP}_${R}"; N=$(( R * DUR ))
  [ "$FRESH" = 1 ] && start_servers "$T"
  PP=${KPID:-$PROXY_PID}
  k0=$(cpu_ticks "$PP"); u0=$(cpu_ticks "$UPID"); t0=$(date +%s.%N)
  D0=($(udp_drops "$TPORT" "$UAC_PORT" "$UAS_PORT"))
  ( timeout -k 5 "$STEP_TIMEOUT" sipp -sf "$UACSF" "$TARGET" "${INF[@]}" -i 127.0.0.1 -ci 127.0.0.1 -p "$UAC_PORT" -s "${SERVICE:-bench}" -r "$R" -m "$N" -l 15000 -d "$HOLD" \
         -nostdin -timeout $(( DUR + 40 )) -buff_size 4194304 -max_recv_loops 10000 -max_sched_loops 10000 \
         -trace_stat -stf "uac_${T}.csv" -fd 1 -trace_err -error_file "uac_${T}_errors.log" > "uac_${T}.screen" 2>&1
    echo "rc=$?" > "uac_${T}.rc"; times > "uac_${T}.times" )
  t1=$(date +%s.%N)
  k1=$(cpu_ticks "$PP"); u1=$(cpu_ticks "$UPID")
  D1=($(udp_drops "$TPORT" "$UAC_PORT" "$UAS_PORT"))
  DROPS="$(( D1[0]-D0[0] ))/$(( D1[1]-D0[1] ))/$(( D1[2]-D0[2] ))"
  S=$(col "uac_${T}.csv" 'SuccessfulCall(C)'); F=$(col "uac_${T}.csv" 'FailedCall(C)')
  RT=$(col "uac_${T}.csv" 'Retransmissions(C)'); EL=$(col "uac_${T}.csv" 'ElapsedTime(C)')
  RTAVG=$(col "uac_${T}.csv" 'ResponseTime1(C)' | ms); CLAVG=$(col "uac_${T}.csv" 'CallLength(C)' | ms)
  WALL=$(echo "$t1 - $t0" | bc -l)
  CPS=$(python3 -c "import sys; h,m,s=sys.argv[1].split(':'); e=int(h)*3600+int(m)*60+float(s); print('%.0f'%(int(sys.argv[2])/e if e>0 else 0))" "$EL" "${S:-0}")
  UACT=$(sed -n 2p "uac_${T}.times" | awk '{gsub(/m/," ");gsub(/s/,""); print ($1*60+$2)+($3*60+$4)}')
  KC=$(echo "100*($k1-$k0)/$HZ/$WALL" | bc -l); UC=$(echo "100*($u1-$u0)/$HZ/$WALL" | bc -l); AC=$(echo "100*$UACT/$WALL" | bc -l)
  V=PASS; { [ "${F:-1}" != 0 ] || [ "${S:-0}" != "$N" ]; } && V=FAIL
  case "$(cat "uac_${T}.rc")" in rc=124|rc=137) V="FAIL(timeout)";; esac
  printf '%-6s %-7s %-8s %-6s %-7s %-8s %-7s %-8s %-9.0f %-9.0f %-9.0f %-6s %s\n' "$R" "$N" "$S" "$F" "$RT" "$CPS" "$RTAVG" "$CLAVG" "$KC" "$AC" "$UC" "$V" "$DROPS" | tee -a summary.txt
  if [ "$FRESH" = 1 ]; then
    [ -n "$KPID" ] && kamcmd -s "unix:$PWD/kamailio_ctl" tm.stats > "tm_stats_${T}.txt" 2>&1
    stop_servers; sleep 2
  else
    sleep 6   # let tm wait timers and UAS timewait drain
  fi
  [ -z "$KPID" ] && settle "$PROXY_PID"
done
