#!/bin/sh
# The container's command: serve the function on the port the node chose, on loopback only (the container shares the
# node's network). Every request runs /www/cgi-bin/function; the image label granary.function.base_path tells the
# node to send its requests there. The server runs as a child so that the function can end the container with an
# exit code of its choice (init payload exit_code=N, a run-to-completion task): it writes the code to
# /tmp/granary/exit-code and stops the server.
mkdir -p /tmp/granary
httpd -f -p "127.0.0.1:${GRANARY_FUNCTION_PORT:?the node sets GRANARY_FUNCTION_PORT}" -h /www &
server=$!
echo "$server" >/tmp/granary/server.pid
trap 'kill "$server"; exit 143' TERM INT
wait "$server"
status=$?
[ -s /tmp/granary/exit-code ] && exit "$(cat /tmp/granary/exit-code)"
exit "$status"
