#!/usr/bin/env bash
# A JSON-lines session from a shell script: start `adventure serve --stdio`, send it a malformed
# line (it answers with an error and goes on), ask for a route to an ending, play the route one
# step at a time, and check that the game ended. Needs only bash, grep and sed.
#
#   examples/play.sh [WORLD] [ENDING]      # default: tutorial, and the nearest ending that rewards
#   ADVENTURE="python3 -m adventure" examples/play.sh     # the engine from a checkout
set -euo pipefail

world=${1:-tutorial}
ending=${2:-}
read -r -a adventure <<< "${ADVENTURE:-adventure}"

coproc SERVER { "${adventure[@]}" serve --stdio "$world"; }
reply=""

ask() {  # send one request line; read its response line into $reply
    printf '%s\n' "$1" >&"${SERVER[1]}"
    IFS= read -r reply <&"${SERVER[0]}" || { echo "play.sh: the server went away" >&2; exit 1; }
    printf '> %s\n< %.240s%s\n' "$1" "$reply" "$([ ${#reply} -gt 240 ] && echo ...)"
}

ask '{"id":1,"op":"reset","seed":0}'

ask 'this line is not JSON'
case $reply in
    *'"ok":false'*'"code":"parse_error"'*) ;;
    *) echo "play.sh: expected a parse_error response" >&2; exit 1 ;;
esac

if [ -n "$ending" ]; then
    ask "{\"id\":2,\"op\":\"walkthrough\",\"ending\":\"$ending\"}"
else
    ask '{"id":2,"op":"walkthrough"}'
fi
route=$(printf '%s' "$reply" | grep -o '"route":\[[^]]*\]' | sed 's/^"route":\[//; s/\]$//; s/"//g; s/,/ /g') || true
[ -n "$route" ] || { echo "play.sh: no route in the response" >&2; exit 1; }

n=3
for choice in $route; do
    ask "{\"id\":$n,\"op\":\"step\",\"choice\":\"$choice\"}"
    n=$((n + 1))
done

case $reply in
    *'"terminated":true'*)
        reached=$(printf '%s' "$reply" | grep -o '"ending":"[^"]*"' | tail -n 1 | cut -d'"' -f4)
        echo "reached the ending: $reached" ;;
    *) echo "play.sh: the route did not end the game" >&2; exit 1 ;;
esac

ask '{"id":99,"op":"quit"}'
wait "$SERVER_PID"
