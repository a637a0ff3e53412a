#!/bin/sh
# The container's command: serve the function on the port the node chose, on loopback only (the container shares the
# node's network). Every request runs /www/cgi-bin/function; the image label granary.function.base_path tells the
# node to send its requests there.
exec httpd -f -p "127.0.0.1:${GRANARY_FUNCTION_PORT:?the node sets GRANARY_FUNCTION_PORT}" -h /www
