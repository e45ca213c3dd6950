#!/bin/sh
# leased: native-mode dhclient-script
# Hook script of the control-socket end-to-end tests: it configures
# nothing (the daemon does, through netlink) and records each call, one
# line per hook, in the file the test passes with -e CONTROL_HOOK_LOG=.
echo "$reason $interface new=$new_ip_address old=$old_ip_address" >>"$CONTROL_HOOK_LOG"
