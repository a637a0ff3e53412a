#!/bin/sh
# A Granary container function written in busybox sh: busybox httpd runs this script as a CGI for every request
# the node sends (see Silos/Granary.Executors/Container/README.md for the protocol). PATH_INFO names the event
# (/boot, /init, /cast, /call, /stop), QUERY_STRING carries its parameters and stdin its body. The function reaches
# the node's host API at $GRANARY_HOST_API with its instance token.
#
# What it does: counts the casts it receives, saves the count with sync (so a restarted instance continues from
# it), and passes each cast on on output "out". Calls: "count" answers the count, "self" its instance id (slf),
# "ask:X" calls output "peer" with X and answers what the peer said, "later:X" casts X on "out" after 100 ms
# (delayed_cast), "none" answers without a reply, "fail" answers with an error; anything else is echoed back.
# Init payload: is_client=true casts "token" on "out" once initialised; sync=false does not save the count;
# fail_init=true refuses to start; exit_code=N ends the container with exit code N shortly after init (a
# run-to-completion task: 0 completes it, anything else fails it).

dir=/tmp/granary
mkdir -p "$dir"
body=$(mktemp "$dir/body.XXXXXX")
trap 'rm -f "$body" "$body.out"' EXIT
head -c "${CONTENT_LENGTH:-0}" >"$body"

param() { echo "$QUERY_STRING" | tr '&' '\n' | sed -n "s/^$1=//p"; }

answer() { # answer STATUS [FILE]: the CGI answer, with FILE as its body
  printf 'Status: %s\r\nContent-Type: application/octet-stream\r\n\r\n' "$1"
  [ -z "$2" ] || cat "$2"
  exit 0
}

reply() { printf '%s' "$1" >"$body.out"; answer "200 OK" "$body.out"; }

host() { # host OPERATION QUERY [BODYFILE]: one host API request; prints the answer's body
  if [ -n "$3" ]; then
    wget -q -O - --header "X-Granary-Token: $GRANARY_TOKEN" --post-file "$3" "http://$GRANARY_HOST_API/$1?$2"
  else
    wget -q -O - --header "X-Granary-Token: $GRANARY_TOKEN" "http://$GRANARY_HOST_API/$1?$2"
  fi
}

count() { cat "$dir/count" 2>/dev/null || echo 0; }

case "$PATH_INFO" in
  /boot)
    answer "204 No Content"
    ;;
  /init)
    # The body is the init payload (payload_len bytes) followed by the state saved by sync, if any.
    len=$(param payload_len)
    init=$(head -c "${len:-0}" "$body")
    printf '%s' "$init" >"$dir/init"
    tail -c +$((${len:-0} + 1)) "$body" >"$dir/count"
    [ -s "$dir/count" ] || echo 0 >"$dir/count"
    case ",$init," in *,fail_init=true,*) printf 'init refused' >"$body.out"; answer "500 Init Refused" "$body.out" ;; esac
    printf 'count=%s' "$(count)" >"$body.out"
    host telemetry_log "level=info&target=init" "$body.out" >/dev/null
    case ",$init," in *,is_client=true,*) printf token >"$body.out"; host cast "channel=out" "$body.out" >/dev/null ;; esac
    code=$(printf ',%s,' "$init" | sed -n 's/.*,exit_code=\([0-9]*\),.*/\1/p')
    if [ -n "$code" ]; then
      # Once this answer is out, start.sh ends the container with the code.
      echo "$code" >"$dir/exit-code"
      (sleep 1; kill "$(cat "$dir/server.pid")") >/dev/null 2>&1 &
    fi
    answer "204 No Content"
    ;;
  /cast)
    echo $(($(count) + 1)) >"$dir/count.new" && mv "$dir/count.new" "$dir/count"
    case ",$(cat "$dir/init")," in *,sync=false,*) ;; *) host sync "" "$dir/count" >/dev/null ;; esac
    host cast "channel=out" "$body" >/dev/null
    answer "204 No Content"
    ;;
  /call)
    message=$(cat "$body")
    case "$message" in
      count) reply "$(count)" ;;
      self) reply "$(host slf "")" ;;
      ask:*)
        printf '%s' "${message#ask:}" >"$body.out"
        said=$(host call "channel=peer" "$body.out") || said="(call failed)"
        reply "peer said: $said"
        ;;
      later:*)
        printf '%s' "${message#later:}" >"$body.out"
        host delayed_cast "channel=out&delay_ms=100" "$body.out" >/dev/null
        reply scheduled
        ;;
      none) answer "204 No Content" ;;
      fail) printf 'asked to fail' >"$body.out"; answer "500 Failed" "$body.out" ;;
      *) reply "echo:$message" ;;
    esac
    ;;
  /stop)
    answer "204 No Content"
    ;;
  *)
    printf 'unknown event %s' "$PATH_INFO" >"$body.out"
    answer "404 Not Found" "$body.out"
    ;;
esac
