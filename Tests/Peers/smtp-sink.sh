#!/usr/bin/env bash
# Postfix smtp-sink as a fast SMTP peer that dumps every accepted message to a file.
# Install: echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
#          DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix
#          (only /usr/sbin/smtp-sink and /usr/sbin/smtp-source are used; no MTA is started)
# Usage:
#   smtp-sink.sh start PORT [DIR] [-- extra smtp-sink flags, e.g. -r RCPT  -f .  -Q DATA  -W .:3  -a]
#   smtp-sink.sh stop [DIR]
# Each message lands in DIR/mail/<YYYYmmddHHMMSS>.<hex> (X-Client-Addr/X-Mail-Args/X-Rcpt-Args/Received
# headers prepended by smtp-sink, then the message as received, dot-unstuffed, LF line ends).
# stdout/stderr go to DIR/smtp-sink.log (add "-- -v" to log the whole SMTP conversation there).   DIR defaults to ${PEERS_RUN:-${TMPDIR:-/tmp}/nudge-peers}/smtp-sink-PORT.
set -euo pipefail
cmd=${1:?usage: smtp-sink.sh start PORT [DIR] [-- flags] | stop [DIR]}; shift
case $cmd in
start)
  PORT=${1:?PORT}; shift
  DIR=${PEERS_RUN:-${TMPDIR:-/tmp}/nudge-peers}/smtp-sink-$PORT
  if [ $# -gt 0 ] && [ "$1" != -- ]; then DIR=$1; shift; fi
  [ "${1:-}" = -- ] && shift
  mkdir -p "$DIR/mail"; DIR=$(cd "$DIR" && pwd)
  # smtp-sink refuses to run as root without -u; the dump dir must be writable by that user.
  user=()
  if [ "$(id -u)" = 0 ]; then chown nobody:nogroup "$DIR/mail"; user=(-u nobody); fi
  # 127.0.0.1:PORT  backlog 64; -h name in banner/EHLO; -d one file per message
  nohup /usr/sbin/smtp-sink ${user[@]+"${user[@]}"} -h smtp-sink.test -d "$DIR/mail/%Y%m%d%H%M%S." "$@" \
    "127.0.0.1:$PORT" 64 >"$DIR/smtp-sink.log" 2>&1 &
  echo $! >"$DIR/pid"; echo "$PORT" >"$DIR/port"
  . "$(dirname "$0")/owns-port.sh"
  for _ in $(seq 1 50); do
    owned=0; owns_port "$(cat "$DIR/pid")" "$PORT" || owned=$?
    if [ $owned = 0 ]; then echo "smtp-sink ready on 127.0.0.1:$PORT (dir $DIR)"; exit 0; fi
    [ $owned = 2 ] && { echo "another process listens on port $PORT too" >&2; break; }
    kill -0 "$(cat "$DIR/pid")" 2>/dev/null || break; sleep 0.1
  done
  kill "$(cat "$DIR/pid")" 2>/dev/null || true  # bound beside another peer, or too slow: it must not stay
  echo "smtp-sink failed to start; see $DIR/smtp-sink.log" >&2; exit 1 ;;
stop)
  DIR=${1:-}; [ -n "$DIR" ] || { echo "stop needs DIR (e.g. ${PEERS_RUN:-${TMPDIR:-/tmp}/nudge-peers}/smtp-sink-PORT)" >&2; exit 2; }
  [ -f "$DIR/pid" ] || exit 0; p=$(cat "$DIR/pid")
  if kill -0 "$p" 2>/dev/null; then kill "$p"; for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p"; fi
  rm -f "$DIR/pid" ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac
