#!/bin/sh
# Runs a command against a private Xvfb server: Xvfb picks a free display
# itself and reports it on a pipe once it accepts connections (-displayfd),
# so parallel tests never race for a display number and nothing sleeps.
# Usage: with_xvfb.sh COMMAND [ARGS...]; exits with the command's status.
set -u
dir=$(mktemp -d "${TMPDIR:-/tmp}/medverse-xvfb.XXXXXX") || exit 1
mkfifo "$dir/display" || exit 1
Xvfb -displayfd 3 -screen 0 1600x1200x24 -nolisten tcp -noreset 3>"$dir/display" 2>"$dir/log" &
xvfb=$!
# Blocks until Xvfb writes its display number (or exits, closing the pipe).
read -r display <"$dir/display" || display=""
if [ -z "$display" ]; then
  echo "with_xvfb.sh: Xvfb did not start:" >&2
  cat "$dir/log" >&2
  wait "$xvfb" 2>/dev/null
  rm -rf "$dir"
  exit 1
fi
DISPLAY=":$display" "$@"
status=$?
kill "$xvfb" 2>/dev/null
wait "$xvfb" 2>/dev/null
rm -rf "$dir"
exit $status
