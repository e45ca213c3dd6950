package hooks

// Declines reports whether the script's result asks the client to decline
// the lease: a non-zero exit status on BOUND, RENEW, REBIND or REBOOT makes
// ISC dhclient send DHCPDECLINE (reference §3.2, SPEC §6.2). A script that
// could not run or was killed by a signal has ExitCode 0 and so never
// declines, as with ISC.
func Declines(reason string, r Result) bool {
	switch reason {
	case "BOUND", "RENEW", "REBIND", "REBOOT":
		return r.ExitCode != 0
	}
	return false
}

// AcceptsTimeout reports whether the script accepted the stored lease
// offered with reason TIMEOUT: exit status 0 means "use it" (reference
// §3.2). Following ISC, a script that could not be executed or was killed
// (including by the runner's timeout) counts as 0 and accepts.
func AcceptsTimeout(r Result) bool { return r.ExitCode == 0 }
