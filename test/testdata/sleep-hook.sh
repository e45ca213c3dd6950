#!/bin/sh
# leased: native-mode dhclient-script
# Hook script of the suspend/resume end-to-end test: it configures
# nothing (the daemon does, through netlink) and records each call, one
# line per hook, in the file the test passes with -e SLEEP_HOOK_LOG=.
echo "$reason $interface new=$new_ip_address old=$old_ip_address" >>"$SLEEP_HOOK_LOG"
