# Sourced by the peer launchers. owns_port PID PORT: 0 when process PID holds the TCP socket listening on PORT and
# no other process listens there; 1 when nothing of PID's listens there yet; 2 when another process listens there
# too. A launcher is ready only on 0: a connection alone could reach another peer that took the same port first,
# while this one failed to bind; and smtp-sink binds with SO_REUSEPORT, so two of them on one port would both
# listen and share out each other's connections (on 2, the launcher stops its peer at once). Call it as
# `owns_port PID PORT || owned=$?` under `set -e`.
owns_port() {
  local inodes inode held mine=0 others=0
  inodes=$(awk -v port=":$(printf '%04X' "$2")" '$4 == "0A" && substr($2, length($2) - 4) == port { print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)
  held=$(ls -l "/proc/$1/fd" 2>/dev/null) || return 1
  for inode in $inodes; do
    if grep -q "socket:\[$inode\]" <<<"$held"; then mine=1; else others=1; fi
  done
  if [ $mine = 0 ]; then return 1; fi
  if [ $others = 1 ]; then return 2; fi
  return 0
}
