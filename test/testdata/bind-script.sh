#!/bin/sh
# leased: native-mode dhclient-script
# Client script for the bind tests: records each call as one line,
# "REASON NEW_ADDRESS OLD_ADDRESS", in the file named by BIND_REASONS
# (passed with -e, since the script gets a fresh environment). The daemon
# configures the interface itself, so the script does nothing else.
printf '%s %s %s\n' "$reason" "${new_ip_address:-}" "${old_ip_address:-}" >>"$BIND_REASONS"
